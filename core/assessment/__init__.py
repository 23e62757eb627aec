"""The assessment page ``/evaluer``: the national rules and the département's facts applied to a situation typed in, without a case."""
