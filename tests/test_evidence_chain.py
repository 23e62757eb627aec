"""The hash chain and the ladder progress, in pure Python."""
import datetime as dt

from core.cases.evidence import GENESIS, EntryRecord, sniff_media_type, verify_chain
from core.rules import load_rules
from core.rules.progress import LoggedFact, ladder_progress, refere_readiness

RULES = load_rules()
D = dt.date


def chain(*summaries):
    records, previous = [], GENESIS
    for sequence, summary in enumerate(summaries, start=1):
        record = EntryRecord(case_id=1, sequence=sequence, kind="note", occurred_at=dt.datetime(2025, 1, sequence),
                             recorded_at=dt.datetime(2025, 1, sequence, 12), recorded_by="a@example.org",
                             summary=summary, url=None, reference=None, result=None, corrects_sequence=None,
                             attachments=(), previous_hash=previous)
        previous = record.digest()
        records.append((record, previous))
    return records


def test_an_untouched_chain_verifies():
    check = verify_chain(chain("un", "deux", "trois"))
    assert check.ok and check.entries == 3


def test_changing_an_entry_after_the_fact_names_it():
    records = chain("un", "deux", "trois")
    record, stored = records[1]
    records[1] = (EntryRecord(**{**record.__dict__, "summary": "deux (modifié)"}), stored)
    check = verify_chain(records)
    assert (check.ok, check.broken_sequence, check.reason) == (False, 2, "entry-changed")


def test_removing_an_entry_from_the_middle_names_the_entry_removed():
    records = chain("un", "deux", "trois")
    check = verify_chain([records[0], records[2]], head=(3, records[2][1]))
    assert (check.ok, check.broken_sequence, check.reason) == (False, 2, "entry-missing")


def test_renumbering_the_entries_after_a_removal_still_breaks_the_chain_there():
    records = chain("un", "deux", "trois")
    third, stored = records[2]
    renumbered = (EntryRecord(**{**third.__dict__, "sequence": 2}), stored)
    check = verify_chain([records[0], renumbered], head=(2, stored))
    assert (check.ok, check.broken_sequence, check.reason) == (False, 2, "chain-broken")


def test_the_hash_covers_the_attachments_and_their_names():
    record, _ = chain("un")[0]
    with_file = EntryRecord(**{**record.__dict__, "attachments": (("a" * 64, "capture.png", "image/png", 10),)})
    renamed = EntryRecord(**{**record.__dict__, "attachments": (("a" * 64, "autre.png", "image/png", 10),)})
    assert len({record.digest(), with_file.digest(), renamed.digest()}) == 3


def test_removing_the_last_entries_is_detected_with_the_recorded_head():
    records = chain("un", "deux", "trois")
    check = verify_chain(records[:2], head=(3, records[2][1]))
    assert (check.ok, check.broken_sequence, check.reason) == (False, 3, "entries-missing")
    assert verify_chain(records, head=(3, records[2][1])).ok


def test_files_are_recognised_by_their_content():
    assert sniff_media_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_media_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_media_type(b"%PDF-1.7") == "application/pdf"
    assert sniff_media_type(b"\x7fELF\x02\x01") is None  # an executable renamed .png
    assert sniff_media_type(b"MZ\x90\x00") is None


def test_the_pan_step_is_done_once_a_pan_attempt_is_logged():
    ladder = RULES.ladders["anef"]
    progress = ladder_progress(ladder, [LoggedFact("screenshot", D(2025, 1, 2)),
                                        LoggedFact("pan-attempt", D(2025, 1, 6), "no-slot")], RULES.refere_readiness)
    done = {p.step.step: p.done_on for p in progress.steps if p.done}
    assert done == {"screenshots": D(2025, 1, 2), "pan": D(2025, 1, 6)}
    assert progress.next_step.step == "ccc-contact"


def no_slot(*days):
    return [LoggedFact("pan-attempt", day, "no-slot") for day in days]


def test_the_2020_applicants_four_attempts_in_five_days_are_not_enough_for_a_refere():
    """CE, 10 June 2020, n° 435594: four screenshots from Friday 13 to
    Wednesday 18 September 2019 (two calendar weeks) did not convince."""
    r = RULES.refere_readiness
    assert not refere_readiness(no_slot(D(2019, 9, 13), D(2019, 9, 14), D(2019, 9, 16), D(2019, 9, 18)), r).ready


def test_refere_readiness_is_four_attempts_on_different_days_over_three_weeks_and_fourteen_days():
    r = RULES.refere_readiness
    three_weeks = no_slot(D(2025, 1, 6), D(2025, 1, 9), D(2025, 1, 14), D(2025, 1, 20))
    status = refere_readiness(three_weeks, r)
    assert status.ready and status.failed_attempts == 4 and status.distinct_weeks == 3 and status.span_days == 14
    assert not refere_readiness(three_weeks[:3], r).ready  # three attempts only
    same_day_twice = no_slot(D(2025, 1, 6), D(2025, 1, 6), D(2025, 1, 14), D(2025, 1, 20))
    assert not refere_readiness(same_day_twice, r).ready  # attempts count once a day
    got_one = three_weeks[:3] + [LoggedFact("pan-attempt", D(2025, 1, 20), "appointment")]
    assert not refere_readiness(got_one, r).ready  # an appointment is not a failed attempt
