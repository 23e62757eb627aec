"""The hash chain and the ladder progress, in pure Python."""
import datetime as dt

from core.evidence import GENESIS, EntryRecord, sniff_media_type, verify_chain
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


def test_removing_an_entry_breaks_the_chain_where_it_was():
    records = chain("un", "deux", "trois")
    check = verify_chain([records[0], records[2]])
    assert (check.ok, check.broken_sequence, check.reason) == (False, 3, "chain-broken")


def test_the_hash_covers_the_attachments_and_their_names():
    record, _ = chain("un")[0]
    with_file = EntryRecord(**{**record.__dict__, "attachments": (("a" * 64, "capture.png", "image/png", 10),)})
    renamed = EntryRecord(**{**record.__dict__, "attachments": (("a" * 64, "autre.png", "image/png", 10),)})
    assert len({record.digest(), with_file.digest(), renamed.digest()}) == 3


def test_removing_the_last_entries_is_detected_with_the_recorded_head():
    records = chain("un", "deux", "trois")
    check = verify_chain(records[:2], head=(3, records[2][1]))
    assert (check.ok, check.reason) == (False, "entries-missing")
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


def test_refere_readiness_needs_failed_attempts_in_two_weeks_over_seven_days():
    r = RULES.refere_readiness
    sunday_monday = [LoggedFact("pan-attempt", D(2025, 1, 5), "no-slot"), LoggedFact("pan-attempt", D(2025, 1, 6), "no-slot")]
    assert not refere_readiness(sunday_monday, r).ready  # two weeks, but one day apart
    one_week = [LoggedFact("pan-attempt", D(2025, 1, 6), "no-slot"), LoggedFact("pan-attempt", D(2025, 1, 12), "no-slot")]
    assert not refere_readiness(one_week, r).ready  # same ISO week
    two_weeks = [LoggedFact("pan-attempt", D(2025, 1, 6), "no-slot"), LoggedFact("pan-attempt", D(2025, 1, 13), "no-slot")]
    status = refere_readiness(two_weeks, r)
    assert status.ready and status.distinct_weeks == 2 and status.span_days == 7
    got_one = two_weeks[:1] + [LoggedFact("pan-attempt", D(2025, 1, 13), "appointment")]
    assert not refere_readiness(got_one, r).ready  # an appointment is not a failed attempt
