"""The national rules, told as the seeds' situations. Pure Python: no app."""
import datetime as dt
from dataclasses import replace

import pytest

from core.rules import Situation, SituationError, assess, channel_at, load_rules
from core.rules.catalogue import DATA_DIR as RULES_DIR
from core.rules.catalogue import RulesError

D = dt.date
RULES = load_rules()


def situation(**values):
    defaults = {"demarche": "conjoint-de-francais", "kind": "renewal"}
    return Situation(**{**defaults, **values})


# --- annexe 9: the channel at a date ------------------------------------------

def test_a_conjoint_de_francais_files_locally_on_4_april_2023_and_on_anef_on_5_april():
    conjoint = RULES.demarches["conjoint-de-francais"]
    assert channel_at(RULES, conjoint, "first", D(2023, 4, 4)).kind == "local"
    on_anef = channel_at(RULES, conjoint, "first", D(2023, 4, 5))
    assert on_anef.kind == "anef" and on_anef.mandatory_since == D(2023, 4, 5)
    assert "31 mars 2023" in on_anef.source


@pytest.mark.parametrize("slug, first_day", [
    ("etudiant", D(2021, 5, 1)), ("passeport-talent", D(2021, 5, 25)), ("visiteur", D(2021, 9, 13)),
    ("duplicata", D(2021, 9, 13)), ("changement-adresse", D(2021, 9, 13)),
    ("modification-etat-civil", D(2021, 9, 27)), ("changement-situation-familiale", D(2021, 9, 27)),
    ("dcem", D(2021, 10, 11)), ("titre-de-voyage", D(2022, 3, 21)), ("titre-identite-voyage", D(2022, 3, 21)),
    ("refugie", D(2022, 4, 18)), ("protection-subsidiaire", D(2022, 4, 18)), ("citoyen-ue", D(2022, 9, 28)),
    ("conjoint-de-francais", D(2023, 4, 5)), ("parent-enfant-francais", D(2023, 4, 5)),
    ("ascendant-de-francais", D(2023, 4, 5)), ("enfant-de-francais", D(2023, 4, 5)),
    ("travailleur-saisonnier", D(2023, 4, 5)), ("famille-citoyen-ue", D(2023, 4, 5)),
    ("confie-ase", D(2023, 10, 2)), ("victime-traite", D(2023, 10, 2)), ("ordonnance-protection", D(2023, 10, 2)),
    ("etranger-malade", D(2023, 10, 2)),
])
def test_each_annexe_9_demarche_moves_to_anef_on_its_date(slug, first_day):
    demarche = RULES.demarches[slug]
    kind = demarche.kinds[-1]
    assert channel_at(RULES, demarche, kind, first_day - dt.timedelta(days=1)).kind == "local"
    assert channel_at(RULES, demarche, kind, first_day).kind == "anef"


def test_a_10_year_carte_de_resident_renewal_is_on_anef_from_4_july_2024_as_the_arrete_says():
    carte = RULES.demarches["carte-resident"]
    assert channel_at(RULES, carte, "renewal", D(2024, 7, 3)).kind == "local"
    on_anef = channel_at(RULES, carte, "renewal", D(2024, 7, 4))
    assert on_anef.kind == "anef"
    assert "1er juillet 2024" in on_anef.source and "01/07/2024" in on_anef.source  # both sources cited
    with pytest.raises(SituationError) as error:
        assess(RULES, situation(demarche="carte-resident", kind="first", on=D(2025, 1, 1)))
    assert (error.value.field, error.value.code) == ("kind", "not-offered")


def test_passeport_talent_famille_renewals_went_to_anef_before_first_requests():
    famille = RULES.demarches["passeport-talent-famille"]
    assert channel_at(RULES, famille, "renewal", D(2021, 5, 25)).kind == "anef"
    assert channel_at(RULES, famille, "first", D(2021, 5, 25)).kind == "local"
    assert channel_at(RULES, famille, "first", D(2021, 6, 7)).kind == "anef"


@pytest.mark.parametrize("slug", ["salarie", "travailleur-temporaire", "entrepreneur", "admission-exceptionnelle",
                                  "pacs-avec-francais", "recepisse-renouvellement"])
def test_demarches_off_annexe_9_stay_on_a_local_channel(slug):
    demarche = RULES.demarches[slug]
    channel = channel_at(RULES, demarche, demarche.kinds[0], D(2026, 11, 22))
    assert channel.kind == "local" and channel.source and "R.431-3" in channel.legal_basis


def test_the_channel_is_the_one_in_force_on_the_filing_day():
    """Filed locally on 3 April 2023, reviewed after the move to ANEF."""
    result = assess(RULES, situation(kind="first", filed_on=D(2023, 4, 3), on=D(2023, 6, 1)))
    assert result.channel.kind == "local"
    assert result.attestation.type == "recepisse"


# --- R.431-5: filing windows ---------------------------------------------------

def test_a_renewal_expiring_on_9_january_2025_has_its_anef_window_from_11_september_to_10_november_2024():
    result = assess(RULES, situation(expires_on=D(2025, 1, 9), on=D(2024, 10, 1)))
    window = result.filing_window
    assert (window.opens_on, window.closes_on, window.status) == (D(2024, 9, 11), D(2024, 11, 10), "open")
    assert "R.431-5" in window.legal_basis


@pytest.mark.parametrize("on, status", [(D(2024, 9, 10), "not-yet-open"), (D(2024, 9, 11), "open"),
                                        (D(2024, 11, 10), "open"), (D(2024, 11, 11), "closed")])
def test_the_anef_window_includes_both_ends(on, status):
    assert assess(RULES, situation(expires_on=D(2025, 1, 9), on=on)).filing_window.status == status


def test_a_local_window_opens_two_calendar_months_before_expiry_and_closes_on_expiry():
    result = assess(RULES, situation(demarche="salarie", expires_on=D(2025, 1, 9), on=D(2024, 12, 1)))
    assert (result.filing_window.opens_on, result.filing_window.closes_on) == (D(2024, 11, 9), D(2025, 1, 9))


def test_a_local_window_for_a_permit_expiring_on_30_april_opens_on_28_february():
    result = assess(RULES, situation(demarche="salarie", expires_on=D(2025, 4, 30), on=D(2025, 3, 1)))
    assert result.filing_window.opens_on == D(2025, 2, 28)
    leap = assess(RULES, situation(demarche="salarie", expires_on=D(2024, 4, 30), on=D(2024, 3, 1)))
    assert leap.filing_window.opens_on == D(2024, 2, 29)


def test_a_first_request_has_no_filing_window():
    assert assess(RULES, situation(kind="first", on=D(2025, 1, 1))).filing_window is None


# --- R.431-15-1, R.431-12, L.433-3: the document to hold ------------------------

def test_the_calvados_renewal_of_seed_001_filed_4_november_2024_gets_an_api_on_12_january_2025():
    result = assess(RULES, situation(expires_on=D(2025, 1, 9), filed_on=D(2024, 11, 4), on=D(2025, 1, 12)))
    assert result.attestation.type == "api" and result.attestation.regular_stay
    assert result.attestation.legal_basis == "CESEDA R.431-15-1 al. 2"
    assert result.attestation.valid_until == D(2025, 4, 9)


def test_the_same_renewal_before_expiry_holds_a_confirmation_de_depot_and_the_valid_permit():
    result = assess(RULES, situation(expires_on=D(2025, 1, 9), filed_on=D(2024, 11, 4), on=D(2024, 12, 1)))
    assert result.attestation.type == "confirmation-de-depot" and result.attestation.regular_stay


def test_a_renewal_filed_66_days_before_expiry_gets_an_api_after_expiry():
    expiry = D(2025, 1, 9)
    result = assess(RULES, situation(expires_on=expiry, filed_on=expiry - dt.timedelta(days=66), on=D(2025, 1, 10)))
    assert result.attestation.type == "api"


def test_a_renewal_filed_30_days_before_expiry_only_gets_a_confirmation_de_depot_and_loses_regular_stay():
    expiry = D(2025, 1, 9)
    result = assess(RULES, situation(expires_on=expiry, filed_on=expiry - dt.timedelta(days=30), on=D(2025, 1, 10)))
    assert result.attestation.type == "confirmation-de-depot"
    assert result.attestation.regular_stay is False
    codes = [w.code for w in result.warnings]
    assert "filed-after-window" in codes and "no-api-outside-window" in codes


def test_l433_3_keeps_a_carte_de_resident_holder_regular_three_months_after_expiry():
    expiry = D(2025, 1, 9)
    late = situation(demarche="carte-resident", expires_on=expiry, filed_on=D(2024, 12, 20), permit="carte-resident",
                     on=D(2025, 4, 9))
    within = assess(RULES, late)
    assert within.attestation.regular_stay and "L.433-3" in within.attestation.legal_basis
    after = assess(RULES, replace(late, on=D(2025, 4, 10)))
    assert after.attestation.regular_stay is False


def test_l433_3_does_not_cover_a_one_year_carte_de_sejour_temporaire():
    result = assess(RULES, situation(expires_on=D(2025, 1, 9), filed_on=D(2024, 12, 20), permit="cst",
                                     on=D(2025, 2, 1)))
    assert result.attestation.regular_stay is False


def test_no_request_filed_means_no_document_and_regular_stay_only_while_the_permit_is_valid():
    valid = assess(RULES, situation(expires_on=D(2025, 1, 9), on=D(2025, 1, 9)))
    assert (valid.attestation.type, valid.attestation.regular_stay) == ("none", True)
    expired = assess(RULES, situation(expires_on=D(2025, 1, 9), on=D(2025, 1, 10)))
    assert (expired.attestation.type, expired.attestation.regular_stay) == ("none", False)
    assert "expired-not-filed" in [w.code for w in expired.warnings]


def test_a_local_renewal_filed_in_its_window_gives_a_recepisse_once_the_permit_expired():
    before = assess(RULES, situation(demarche="salarie", expires_on=D(2025, 1, 9), filed_on=D(2024, 12, 1),
                                     on=D(2025, 1, 9)))
    assert (before.attestation.type, before.attestation.regular_stay) == ("none", True)
    after = assess(RULES, replace(before.situation, on=D(2025, 1, 10)))
    assert (after.attestation.type, after.attestation.regular_stay) == ("recepisse", True)
    assert "R.431-12" in after.attestation.legal_basis


def test_a_favourable_decision_gives_the_attestation_de_decision_favorable():
    result = assess(RULES, situation(expires_on=D(2025, 1, 9), filed_on=D(2024, 11, 4),
                                     favorable_decision_on=D(2025, 2, 1), on=D(2025, 2, 3)))
    assert result.attestation.type == "attestation-decision-favorable" and result.attestation.regular_stay
    assert "implicit-rejection" not in [d.kind for d in result.deadlines]


def test_a_first_request_on_anef_proves_nothing_by_itself():
    result = assess(RULES, situation(kind="first", filed_on=D(2025, 1, 2), on=D(2025, 1, 12)))
    assert result.attestation.type == "confirmation-de-depot" and result.attestation.regular_stay is False


# --- escalation, deadlines, legal grounds ---------------------------------------

def test_the_anef_ladder_goes_from_screenshots_to_the_refere_in_order():
    steps = [step.step for step in assess(RULES, situation(kind="first", on=D(2025, 1, 1))).escalation]
    expected = ["screenshots", "ccc-contact", "ccc-call", "pan", "prefecture-email", "substitution",
                "defenseur-des-droits", "refere-mesures-utiles"]
    assert [s for s in steps if s in expected] == expected


def test_a_local_ladder_has_no_substitution_ccc_or_pan():
    steps = [step.step for step in assess(RULES, situation(demarche="salarie", kind="first",
                                                             on=D(2025, 1, 1))).escalation]
    assert steps[0] == "screenshots" and steps[-1] == "refere-mesures-utiles"
    assert "postal-or-guichet" in steps and "defenseur-des-droits" in steps
    assert not {"substitution", "ccc-contact", "ccc-call", "pan"} & set(steps)


def test_every_step_says_what_to_do_what_to_keep_and_why():
    for ladder in RULES.ladders.values():
        for step in ladder:
            assert step.action and step.evidence and step.legal_basis and step.source
    assert "435594" in RULES.refere_readiness.legal_basis and RULES.refere_readiness.min_distinct_weeks == 2


def test_implicit_rejection_comes_four_months_after_filing_and_can_be_challenged_for_two_more():
    result = assess(RULES, situation(expires_on=D(2025, 1, 9), filed_on=D(2024, 11, 4), on=D(2025, 1, 12),
                                     ephoto_taken_on=D(2024, 10, 1)))
    dates = {d.kind: d.date for d in result.deadlines}
    assert dates["implicit-rejection"] == D(2025, 3, 4)
    assert dates["challenge-ends"] == D(2025, 5, 4)
    assert dates["api-ends"] == D(2025, 4, 9)
    assert dates["ephoto-expires"] == D(2025, 4, 1)
    assert [d.date for d in result.deadlines] == sorted(d.date for d in result.deadlines)


def test_the_legal_grounds_of_seed_000_and_the_three_others_are_there_with_citations():
    expected = {"egalite-continuite", "vie-privee", "vie-familiale", "conditions-existence-decentes",
                "interet-superieur-enfant", "prestations-familiales", "liberte-aller-venir",
                "demande-incomplete", "attestation-prolongation-instruction", "refere-mesures-utiles"}
    assert set(RULES.legal_grounds) == expected
    assert "Code de la sécurité sociale, L.512-2" in RULES.legal_grounds["prestations-familiales"].citations
    assert all(g.text and g.when_to_use and g.citations and g.source for g in RULES.legal_grounds.values())


# --- input the rules refuse -------------------------------------------------------

def test_a_renewal_without_expiry_date_is_refused_naming_the_field():
    with pytest.raises(SituationError) as error:
        assess(RULES, situation(on=D(2025, 1, 1)))
    assert error.value.field == "expires_on"


def test_a_reference_date_before_the_recodified_ceseda_is_refused():
    with pytest.raises(SituationError) as error:
        assess(RULES, situation(kind="first", on=D(2021, 4, 30)))
    assert error.value.field == "on"


def test_a_malformed_rules_file_stops_the_load_naming_file_and_entry(tmp_path):
    for name in ("parameters.yaml", "escalation.yaml", "legal_grounds.yaml"):
        (tmp_path / name).write_text((RULES_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "demarches.yaml").write_text(
        "demarches:\n  - slug: etudiant\n    label: Étudiant\n    anef_since:\n      - {from: 1 mai 2021, source: x}\n",
        encoding="utf-8")
    with pytest.raises(RulesError) as error:
        load_rules(tmp_path)
    message = str(error.value)
    assert "demarches.yaml" in message and "demarches[0] (etudiant)" in message and "'from' must be a date" in message
    (tmp_path / "demarches.yaml").write_text("demarches:\n  - {slug: etudiant, label: x, anef_since: [{from: 2021-13-01, source: x}]}\n")
    with pytest.raises(RulesError, match="demarches.yaml.*month must be in 1..12"):
        load_rules(tmp_path)



# --- the edges a legal reviewer checks --------------------------------------------

def codes(result):
    return [warning.code for warning in result.warnings]


@pytest.mark.parametrize("days_before, api", [(121, False), (120, True), (60, True), (59, False)])
def test_an_anef_renewal_gets_an_api_only_if_filed_between_the_120th_and_the_60th_day(days_before, api):
    expiry = D(2025, 1, 9)
    result = assess(RULES, situation(expires_on=expiry, filed_on=expiry - dt.timedelta(days=days_before),
                                     on=D(2025, 1, 10)))
    assert (result.attestation.type == "api") is api
    if days_before == 121:
        assert "filed-before-window" in codes(result)


@pytest.mark.parametrize("filed_on, recepisse", [(D(2024, 11, 8), False), (D(2024, 11, 9), True),
                                                 (D(2025, 1, 9), True), (D(2025, 1, 10), False)])
def test_a_local_renewal_gets_a_recepisse_only_if_filed_from_two_months_before_to_the_expiry_day(filed_on, recepisse):
    result = assess(RULES, situation(demarche="salarie", expires_on=D(2025, 1, 9), filed_on=filed_on,
                                     on=D(2025, 1, 20)))
    assert (result.attestation.type == "recepisse") is recepisse
    if filed_on == D(2025, 1, 10):
        assert "filed-after-local-window" in codes(result) and "filed-after-window" not in codes(result)


def test_a_local_renewal_of_a_permit_ending_30_april_filed_28_february_is_in_time():
    result = assess(RULES, situation(demarche="salarie", expires_on=D(2025, 4, 30), filed_on=D(2025, 2, 28),
                                     on=D(2025, 5, 2)))
    assert result.attestation.type == "recepisse"


def test_a_filing_date_after_the_reference_date_is_not_yet_a_filing():
    result = assess(RULES, situation(expires_on=D(2025, 1, 9), filed_on=D(2024, 11, 4), on=D(2024, 10, 1)))
    assert result.attestation.type == "none" and "filed-after-reference-date" in codes(result)
    assert "implicit-rejection" not in [d.kind for d in result.deadlines]


def test_nothing_filed_while_the_anef_window_has_closed_is_flagged_before_the_permit_expires():
    result = assess(RULES, situation(expires_on=D(2025, 1, 9), on=D(2024, 12, 1)))
    assert result.attestation.regular_stay is True
    assert "window-closed-not-filed" in codes(result)


def test_a_conjoint_whose_permit_ends_after_the_move_to_anef_is_told_the_anef_window():
    result = assess(RULES, situation(expires_on=D(2023, 6, 30), on=D(2023, 3, 1)))
    assert result.channel.kind == "local"
    (warning,) = [w for w in result.warnings if w.code == "moves-to-anef-before-expiry"]
    assert warning.details == {"on": D(2023, 4, 5), "opens_on": D(2023, 3, 2), "closes_on": D(2023, 5, 1)}


def test_an_anef_window_closed_before_anef_became_mandatory_is_flagged():
    result = assess(RULES, situation(demarche="etudiant", expires_on=D(2021, 6, 15), filed_on=D(2021, 5, 10),
                                     on=D(2021, 6, 20)))
    assert result.channel.kind == "anef" and "window-before-anef" in codes(result)


def test_a_change_of_status_follows_the_window_of_the_document_held():
    """A student with a VLS-TS ending 9 January 2025 files a first 'salarié-like' request on ANEF."""
    late = assess(RULES, situation(demarche="etudiant", kind="first", expires_on=D(2025, 1, 9),
                                   filed_on=D(2025, 1, 8), on=D(2025, 1, 12)))
    assert late.attestation.type == "confirmation-de-depot" and late.attestation.regular_stay is False
    in_time = assess(RULES, situation(demarche="etudiant", kind="first", expires_on=D(2025, 1, 9),
                                      filed_on=D(2024, 10, 1), on=D(2025, 1, 12)))
    assert in_time.attestation.type == "api" and "api-first-request-limits" in codes(in_time)


def test_a_refugee_filing_a_first_request_on_anef_gets_an_api():
    result = assess(RULES, situation(demarche="refugie", kind="first", filed_on=D(2025, 1, 2), on=D(2025, 1, 12)))
    assert result.attestation.type == "api" and result.attestation.regular_stay is True


def test_an_admission_exceptionnelle_posted_gets_a_recepisse_only_once_the_file_is_complete():
    result = assess(RULES, situation(demarche="admission-exceptionnelle", kind="first", filed_on=D(2025, 1, 2),
                                     on=D(2025, 1, 3)))
    assert result.attestation.type == "recepisse" and result.attestation.regular_stay is None
    assert "recepisse-once-complete" in codes(result)


def test_a_duplicate_has_no_window_no_attestation_of_stay_and_no_implicit_rejection():
    result = assess(RULES, situation(demarche="duplicata", kind="first", filed_on=D(2025, 1, 2), on=D(2025, 6, 1)))
    assert result.filing_window is None
    assert (result.attestation.type, result.attestation.regular_stay) == ("none", None)
    assert not {"implicit-rejection", "challenge-ends"} & {d.kind for d in result.deadlines}


def test_a_favourable_decision_needs_a_filing_and_counts_only_once_taken():
    with pytest.raises(SituationError) as error:
        assess(RULES, situation(expires_on=D(2025, 1, 9), favorable_decision_on=D(2025, 2, 1), on=D(2025, 2, 3)))
    assert (error.value.field, error.value.code) == ("favorable_decision_on", "requires-filing")
    future = assess(RULES, situation(expires_on=D(2025, 1, 9), filed_on=D(2024, 11, 4),
                                     favorable_decision_on=D(2025, 3, 1), on=D(2025, 1, 12)))
    assert future.attestation.type == "api" and "implicit-rejection" in [d.kind for d in future.deadlines]


def test_after_four_months_of_silence_the_rejection_and_its_challenge_period_are_flagged():
    born = assess(RULES, situation(demarche="admission-exceptionnelle", kind="first", filed_on=D(2024, 6, 1),
                                   on=D(2024, 11, 1)))
    assert "implicit-rejection-born" in codes(born)
    over = assess(RULES, situation(demarche="admission-exceptionnelle", kind="first", filed_on=D(2024, 6, 1),
                                   on=D(2025, 1, 1)))
    (warning,) = [w for w in over.warnings if w.code == "challenge-period-over"]
    assert warning.details == {"rejection_on": D(2024, 10, 1), "ended_on": D(2024, 12, 1)}


def test_l433_3_applies_to_a_carte_de_resident_renewal_even_without_saying_the_permit():
    result = assess(RULES, situation(demarche="carte-resident", expires_on=D(2025, 1, 9), filed_on=D(2024, 12, 20),
                                     on=D(2025, 2, 1)))
    assert result.attestation.regular_stay is True and "L.433-3" in result.attestation.legal_basis


def test_l433_3_after_a_filing_made_after_expiry_comes_with_a_caution():
    result = assess(RULES, situation(expires_on=D(2025, 1, 9), filed_on=D(2025, 1, 20), permit="csp-4-ans",
                                     on=D(2025, 2, 1)))
    assert result.attestation.regular_stay is True and "l433-3-filed-after-expiry" in codes(result)


def test_api_periods_are_counted_from_the_expiry_so_month_ends_do_not_drift():
    result = assess(RULES, situation(expires_on=D(2024, 11, 30), filed_on=D(2024, 9, 1), on=D(2025, 5, 29)))
    assert result.attestation.valid_until == D(2025, 5, 30)


def test_a_demarche_known_on_anef_only_by_a_date_says_the_start_is_unknown():
    result = assess(RULES, situation(demarche="regroupement-familial", expires_on=D(2025, 6, 1), on=D(2025, 3, 1)))
    assert result.channel.kind == "anef" and result.channel.mandatory_since is None
    assert "anef-date-unknown" in codes(result)


def test_a_filing_before_the_recodified_ceseda_is_refused():
    with pytest.raises(SituationError) as error:
        assess(RULES, situation(kind="first", filed_on=D(2021, 4, 1), on=D(2021, 6, 1)))
    assert error.value.field == "filed_on"
