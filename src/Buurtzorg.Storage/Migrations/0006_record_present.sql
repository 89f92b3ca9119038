-- From here on a record's snapshot holds its present (the folded state, the latest entries, the ids of its care
-- plan's subjects), never its history: a snapshot of the first format, which held the history, is replayed when its
-- record is next loaded and stored again in the new format. Nothing here rewrites them.
--
-- The history is read a page at a time by (client_id, seq); each page is marked with the record's corrections,
-- which this index finds without reading the rest of the record.

CREATE INDEX record_journal_corrections ON record_journal (client_id, seq) WHERE kind = 'correction';
