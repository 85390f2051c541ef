-- A store as schema version 3 made it (commit d45fbda): tests/store/test_migrations.py.
BEGIN TRANSACTION;
CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    section TEXT NOT NULL,
    level TEXT,
    first_year INTEGER,
    aliases TEXT NOT NULL DEFAULT '[]'           -- JSON list
);
INSERT INTO "agencies" VALUES(1,'赣州市赣县区融媒体中心','dept','江西省赣州市赣县区','http://127.0.0.1:8765/ganxian/zwgk/zfxxgknb/index.html','county',2021,'["赣县区融媒体中心"]');
INSERT INTO "agencies" VALUES(2,'赣州市赣县区发展和改革委员会','dept','江西省赣州市赣县区','http://127.0.0.1:8765/ganxian/zwgk/zfxxgknb/index.html','county',2021,'["赣县区发改委"]');
INSERT INTO "agencies" VALUES(3,'平潭综合实验区管理委员会','gov','福建省平潭综合实验区','http://127.0.0.1:8765/pingtan/zwgk/ndbg/index.html','prefecture',2019,'["平潭综合实验区"]');
CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    period TEXT NOT NULL,
    route TEXT NOT NULL DEFAULT 'default',
    created_at TEXT NOT NULL,
    sent_at TEXT,
    recipients TEXT NOT NULL DEFAULT '[]',       -- JSON list
    finding_ids TEXT NOT NULL DEFAULT '[]'       -- JSON list of findings.id
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    final_url TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,                    -- the latest fetch that returned these bytes
    http_status INTEGER,
    content_type TEXT,
    encoding TEXT,
    etag TEXT,
    last_modified TEXT,
    UNIQUE (url, sha256)
);
INSERT INTO "documents" VALUES(1,'http://127.0.0.1/004.html',NULL,'9c1850fcaa632f2189deac5e9b66e02fa85be92a920b6cae7696c9b691e4bacb',3,'2024-03-01T00:00:00+00:00',200,'text/html',NULL,NULL,NULL);
INSERT INTO "documents" VALUES(2,'http://127.0.0.1/010.html',NULL,'13715f6c8b48ed1b00f509ca29bc826bd04fd6f1ce8d8ebe27fb286312ce3ba1',3,'2024-03-01T00:00:00+00:00',200,'text/html',NULL,NULL,NULL);
INSERT INTO "documents" VALUES(3,'http://127.0.0.1/000.html',NULL,'2ac9a6746aca543af8dff39894cfe8173afba21eb01c6fae33d52947222855ef',3,'2024-03-01T00:00:00+00:00',200,'text/html',NULL,NULL,NULL);
CREATE TABLE figures (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    key TEXT NOT NULL,
    value,
    raw TEXT,
    PRIMARY KEY (report_id, key)
);
INSERT INTO "figures" VALUES(1,'a20_1.regulation.issued',0,'0');
INSERT INTO "figures" VALUES(1,'a20_1.regulation.abolished',0,'0');
INSERT INTO "figures" VALUES(1,'a20_1.regulation.in_force',0,'0');
INSERT INTO "figures" VALUES(1,'a20_1.normative.issued',NULL,NULL);
INSERT INTO "figures" VALUES(1,'a20_1.normative.abolished',NULL,NULL);
INSERT INTO "figures" VALUES(1,'a20_1.normative.in_force',NULL,NULL);
INSERT INTO "figures" VALUES(1,'a20_5.licensing',2293,'2293');
INSERT INTO "figures" VALUES(1,'a20_6.penalty',1282,'1282');
INSERT INTO "figures" VALUES(1,'a20_6.coercion',42,'42');
INSERT INTO "figures" VALUES(1,'a20_8.fees_wan','24252.311082','24252.311082');
INSERT INTO "figures" VALUES(1,'apply.withheld_secret.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_secret.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_secret.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_secret.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_secret.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_secret.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_secret.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_law.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_law.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_law.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_law.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_law.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_law.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_law.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_security.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_security.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_security.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_security.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_security.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_security.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_security.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_third_party.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_third_party.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_third_party.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_third_party.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_third_party.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_third_party.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_third_party.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_internal.natural',1,'1');
INSERT INTO "figures" VALUES(1,'apply.withheld_internal.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_internal.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_internal.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_internal.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_internal.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_internal.total',1,'1');
INSERT INTO "figures" VALUES(1,'apply.withheld_process.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_process.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_process.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_process.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_process.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_process.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_process.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_enforcement.natural',6,'6');
INSERT INTO "figures" VALUES(1,'apply.withheld_enforcement.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_enforcement.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_enforcement.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_enforcement.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_enforcement.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_enforcement.total',6,'6');
INSERT INTO "figures" VALUES(1,'apply.withheld_inquiry.natural',1,'1');
INSERT INTO "figures" VALUES(1,'apply.withheld_inquiry.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_inquiry.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_inquiry.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_inquiry.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_inquiry.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.withheld_inquiry.total',1,'1');
INSERT INTO "figures" VALUES(1,'apply.unable_need_create.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_need_create.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_need_create.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_need_create.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_need_create.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_need_create.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_need_create.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_unclear.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_unclear.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_unclear.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_unclear.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_unclear.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_unclear.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_unclear.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_petition.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_petition.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_petition.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_petition.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_petition.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_petition.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_petition.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_duplicate.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_duplicate.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_duplicate.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_duplicate.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_duplicate.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_duplicate.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_duplicate.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_publication.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_publication.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_publication.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_publication.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_publication.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_publication.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_publication.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_excessive.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_excessive.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_excessive.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_excessive.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_excessive.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_excessive.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_excessive.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_confirm.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_confirm.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_confirm.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_confirm.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_confirm.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_confirm.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.rejected_confirm.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_correction.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_correction.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_correction.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_correction.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_correction.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_correction.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_correction.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_fee.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_fee.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_fee.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_fee.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_fee.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_fee.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_no_fee.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_other.natural',1,'1');
INSERT INTO "figures" VALUES(1,'apply.other_other.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_other.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_other.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_other.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_other.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.other_other.total',1,'1');
INSERT INTO "figures" VALUES(1,'apply.carried_in.natural',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_in.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_in.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_in.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_in.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_in.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_in.total',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_out.natural',1,'1');
INSERT INTO "figures" VALUES(1,'apply.carried_out.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_out.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_out.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_out.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_out.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.carried_out.total',1,'1');
INSERT INTO "figures" VALUES(1,'apply.unable_not_held.natural',22,'22');
INSERT INTO "figures" VALUES(1,'apply.unable_not_held.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_not_held.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_not_held.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_not_held.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.unable_not_held.other',3,'3');
INSERT INTO "figures" VALUES(1,'apply.unable_not_held.total',25,'25');
INSERT INTO "figures" VALUES(1,'apply.granted.natural',27,'27');
INSERT INTO "figures" VALUES(1,'apply.granted.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.granted.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.granted.social',2,'2');
INSERT INTO "figures" VALUES(1,'apply.granted.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.granted.other',1,'1');
INSERT INTO "figures" VALUES(1,'apply.granted.total',30,'30');
INSERT INTO "figures" VALUES(1,'apply.partial.natural',5,'5');
INSERT INTO "figures" VALUES(1,'apply.partial.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.partial.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.partial.social',0,'0');
INSERT INTO "figures" VALUES(1,'apply.partial.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.partial.other',0,'0');
INSERT INTO "figures" VALUES(1,'apply.partial.total',5,'5');
INSERT INTO "figures" VALUES(1,'apply.new.natural',64,'64');
INSERT INTO "figures" VALUES(1,'apply.new.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.new.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.new.social',2,'2');
INSERT INTO "figures" VALUES(1,'apply.new.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.new.other',4,'4');
INSERT INTO "figures" VALUES(1,'apply.new.total',70,'70');
INSERT INTO "figures" VALUES(1,'apply.result_total.natural',63,'63');
INSERT INTO "figures" VALUES(1,'apply.result_total.commercial',0,'0');
INSERT INTO "figures" VALUES(1,'apply.result_total.research',0,'0');
INSERT INTO "figures" VALUES(1,'apply.result_total.social',2,'2');
INSERT INTO "figures" VALUES(1,'apply.result_total.legal',0,'0');
INSERT INTO "figures" VALUES(1,'apply.result_total.other',4,'4');
INSERT INTO "figures" VALUES(1,'apply.result_total.total',69,'69');
INSERT INTO "figures" VALUES(1,'review.upheld',1,'1');
INSERT INTO "figures" VALUES(1,'review.corrected',0,'0');
INSERT INTO "figures" VALUES(1,'review.other',2,'2');
INSERT INTO "figures" VALUES(1,'review.pending',0,'0');
INSERT INTO "figures" VALUES(1,'review.total',3,'3');
INSERT INTO "figures" VALUES(1,'suit_direct.upheld',12,'12');
INSERT INTO "figures" VALUES(1,'suit_direct.corrected',0,'0');
INSERT INTO "figures" VALUES(1,'suit_direct.other',0,'0');
INSERT INTO "figures" VALUES(1,'suit_direct.pending',0,'0');
INSERT INTO "figures" VALUES(1,'suit_direct.total',12,'12');
INSERT INTO "figures" VALUES(1,'suit_after_review.upheld',0,'0');
INSERT INTO "figures" VALUES(1,'suit_after_review.corrected',0,'0');
INSERT INTO "figures" VALUES(1,'suit_after_review.other',0,'0');
INSERT INTO "figures" VALUES(1,'suit_after_review.pending',0,'0');
INSERT INTO "figures" VALUES(1,'suit_after_review.total',0,'0');
INSERT INTO "figures" VALUES(2,'a20_1.regulation.issued',0,'0');
INSERT INTO "figures" VALUES(2,'a20_1.regulation.abolished',0,'0');
INSERT INTO "figures" VALUES(2,'a20_1.regulation.in_force',0,'0');
INSERT INTO "figures" VALUES(2,'a20_1.normative.issued',13,'13');
INSERT INTO "figures" VALUES(2,'a20_1.normative.abolished',0,'0');
INSERT INTO "figures" VALUES(2,'a20_1.normative.in_force',55,'55');
INSERT INTO "figures" VALUES(2,'a20_5.licensing',97,'97');
INSERT INTO "figures" VALUES(2,'a20_6.penalty',0,'0');
INSERT INTO "figures" VALUES(2,'a20_6.coercion',0,'0');
INSERT INTO "figures" VALUES(2,'a20_8.fees_wan','0','0');
INSERT INTO "figures" VALUES(2,'apply.new.natural',32,NULL);
INSERT INTO "figures" VALUES(2,'apply.new.commercial',2,'2');
INSERT INTO "figures" VALUES(2,'apply.new.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.new.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.new.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.new.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.new.total',34,'1,234');
INSERT INTO "figures" VALUES(2,'apply.carried_in.natural',2,'2');
INSERT INTO "figures" VALUES(2,'apply.carried_in.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.carried_in.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.carried_in.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.carried_in.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.carried_in.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.carried_in.total',2,'2');
INSERT INTO "figures" VALUES(2,'apply.granted.natural',9,'9');
INSERT INTO "figures" VALUES(2,'apply.granted.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.granted.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.granted.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.granted.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.granted.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.granted.total',9,'9');
INSERT INTO "figures" VALUES(2,'apply.partial.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.partial.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.partial.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.partial.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.partial.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.partial.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.partial.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_secret.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_secret.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_secret.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_secret.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_secret.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_secret.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_secret.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_law.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_law.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_law.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_law.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_law.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_law.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_law.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_security.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_security.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_security.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_security.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_security.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_security.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_security.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_third_party.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_third_party.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_third_party.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_third_party.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_third_party.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_third_party.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_third_party.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_internal.natural',1,'1');
INSERT INTO "figures" VALUES(2,'apply.withheld_internal.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_internal.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_internal.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_internal.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_internal.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_internal.total',1,'1');
INSERT INTO "figures" VALUES(2,'apply.withheld_process.natural',1,'1');
INSERT INTO "figures" VALUES(2,'apply.withheld_process.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_process.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_process.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_process.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_process.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_process.total',1,'1');
INSERT INTO "figures" VALUES(2,'apply.withheld_enforcement.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_enforcement.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_enforcement.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_enforcement.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_enforcement.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_enforcement.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_enforcement.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_inquiry.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_inquiry.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_inquiry.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_inquiry.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_inquiry.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_inquiry.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.withheld_inquiry.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_not_held.natural',4,'4');
INSERT INTO "figures" VALUES(2,'apply.unable_not_held.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_not_held.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_not_held.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_not_held.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_not_held.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_not_held.total',4,'4');
INSERT INTO "figures" VALUES(2,'apply.unable_need_create.natural',6,'6');
INSERT INTO "figures" VALUES(2,'apply.unable_need_create.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_need_create.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_need_create.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_need_create.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_need_create.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_need_create.total',6,'6');
INSERT INTO "figures" VALUES(2,'apply.unable_unclear.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_unclear.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_unclear.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_unclear.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_unclear.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_unclear.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.unable_unclear.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_petition.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_petition.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_petition.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_petition.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_petition.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_petition.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_petition.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_duplicate.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_duplicate.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_duplicate.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_duplicate.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_duplicate.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_duplicate.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_duplicate.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_publication.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_publication.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_publication.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_publication.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_publication.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_publication.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_publication.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_excessive.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_excessive.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_excessive.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_excessive.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_excessive.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_excessive.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_excessive.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_confirm.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_confirm.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_confirm.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_confirm.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_confirm.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_confirm.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.rejected_confirm.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_correction.natural',8,'8');
INSERT INTO "figures" VALUES(2,'apply.other_no_correction.commercial',2,'2');
INSERT INTO "figures" VALUES(2,'apply.other_no_correction.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_correction.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_correction.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_correction.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_correction.total',10,'10');
INSERT INTO "figures" VALUES(2,'apply.other_no_fee.natural',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_fee.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_fee.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_fee.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_fee.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_fee.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_no_fee.total',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_other.natural',4,'4');
INSERT INTO "figures" VALUES(2,'apply.other_other.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_other.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_other.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_other.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_other.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.other_other.total',4,'4');
INSERT INTO "figures" VALUES(2,'apply.result_total.natural',33,'33');
INSERT INTO "figures" VALUES(2,'apply.result_total.commercial',2,'2');
INSERT INTO "figures" VALUES(2,'apply.result_total.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.result_total.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.result_total.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.result_total.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.result_total.total',35,'35');
INSERT INTO "figures" VALUES(2,'apply.carried_out.natural',1,'1');
INSERT INTO "figures" VALUES(2,'apply.carried_out.commercial',0,'0');
INSERT INTO "figures" VALUES(2,'apply.carried_out.research',0,'0');
INSERT INTO "figures" VALUES(2,'apply.carried_out.social',0,'0');
INSERT INTO "figures" VALUES(2,'apply.carried_out.legal',0,'0');
INSERT INTO "figures" VALUES(2,'apply.carried_out.other',0,'0');
INSERT INTO "figures" VALUES(2,'apply.carried_out.total',NULL,'/');
INSERT INTO "figures" VALUES(2,'review.upheld',1,'1');
INSERT INTO "figures" VALUES(2,'review.corrected',0,'0');
INSERT INTO "figures" VALUES(2,'review.other',0,'0');
INSERT INTO "figures" VALUES(2,'review.pending',0,'0');
INSERT INTO "figures" VALUES(2,'review.total',1,'1');
INSERT INTO "figures" VALUES(2,'suit_direct.upheld',0,'0');
INSERT INTO "figures" VALUES(2,'suit_direct.corrected',0,'0');
INSERT INTO "figures" VALUES(2,'suit_direct.other',0,'0');
INSERT INTO "figures" VALUES(2,'suit_direct.pending',0,'0');
INSERT INTO "figures" VALUES(2,'suit_direct.total',0,'0');
INSERT INTO "figures" VALUES(2,'suit_after_review.upheld',0,'0');
INSERT INTO "figures" VALUES(2,'suit_after_review.corrected',0,'0');
INSERT INTO "figures" VALUES(2,'suit_after_review.other',0,'0');
INSERT INTO "figures" VALUES(2,'suit_after_review.pending',0,'0');
INSERT INTO "figures" VALUES(2,'suit_after_review.total',0,'0');
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,               -- sha256 of [agency_id, year, check_id, sorted keys]
    agency_id INTEGER REFERENCES agencies (id),
    report_id INTEGER REFERENCES reports (id),
    year INTEGER,
    check_id TEXT NOT NULL,
    keys TEXT NOT NULL DEFAULT '[]',             -- JSON list of figure keys
    severity TEXT NOT NULL,
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL,
    message TEXT GENERATED ALWAYS AS (message_zh) VIRTUAL,
    expected TEXT,
    actual TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    resolved_at TEXT,
    dismissed_at TEXT,
    dismissed_reason TEXT
, reopen_count INTEGER NOT NULL DEFAULT 0, reopened_at TEXT);
CREATE TABLE outcome_history (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    state TEXT NOT NULL,
    url TEXT,
    reason TEXT,
    run_id INTEGER REFERENCES runs (id),
    checked_at TEXT NOT NULL
);
CREATE TABLE outcomes (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    state TEXT NOT NULL,
    url TEXT,
    reason TEXT,
    report_id INTEGER REFERENCES reports (id),
    run_id INTEGER REFERENCES runs (id),
    since TEXT NOT NULL,                         -- when the current state began
    checked_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL DEFAULT 1,
    superseded_by INTEGER REFERENCES reports (id),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    url TEXT,
    title TEXT,
    printed_agency TEXT,                         -- the agency name as the report prints it
    published_on TEXT,
    signed_on TEXT,
    period_start TEXT,
    period_end TEXT,
    title_year INTEGER,
    period_year INTEGER,
    template TEXT NOT NULL,
    source_format TEXT NOT NULL,
    encoding TEXT,
    tables_complete TEXT NOT NULL DEFAULT '{}',  -- JSON {"s2": true, ...}
    sections TEXT NOT NULL DEFAULT '{}',         -- JSON {"s1": "...", ...}
    notes TEXT NOT NULL DEFAULT '[]',            -- JSON list
    text TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL,                    -- when version 1 was stored
    last_changed TEXT NOT NULL, content_sha256 TEXT,                  -- when this version's bytes were stored
    UNIQUE (agency_id, year, version)
);
INSERT INTO "reports" VALUES(1,3,2021,1,1,NULL,1,'http://127.0.0.1/004.html',NULL,'平潭综合实验区','2022-02-08',NULL,'2021-01-01','2021-12-31',NULL,NULL,'2021','text',NULL,'{"table2": true, "table3": true, "table4": true}','{"s1": "一、总体情况……", "s5": "五、存在的主要问题及改进情况……"}','["apply.new.other: blank cell"]','一、总体情况……
五、存在的主要问题及改进情况……','2024-03-01T00:00:00+00:00','2024-03-01T00:00:00+00:00','6dc1223510a0b7ddd711315c13610fa9fc96dc1ed8cd9df877c2acbc90790749');
INSERT INTO "reports" VALUES(2,1,2024,1,1,NULL,2,'http://127.0.0.1/010.html',NULL,'上海市科委',NULL,NULL,'2024-01-01','2024-12-31',NULL,NULL,'2021','text',NULL,'{"table2": true, "table3": true, "table4": true}','{}','[]','全文','2024-03-01T00:00:00+00:00','2024-03-01T00:00:00+00:00','2fe78d38103112b1b42bb7a8bdc1341866790d78bd26c1978b86f1e7085b7e9a');
INSERT INTO "reports" VALUES(3,1,2020,1,1,NULL,3,'http://127.0.0.1/000.html',NULL,'赣县区融媒体中心',NULL,'2023-01-11','2023-01-01','2023-12-31',NULL,NULL,'2021','text',NULL,'{"table2": true, "table3": true, "table4": true}','{}','[]','','2024-03-01T00:00:00+00:00','2024-03-01T00:00:00+00:00','591c3a70e123fa7739fb9438e6f0e89ea9070439c50ca67a7e16c11ab5891ac0');
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    counts TEXT NOT NULL DEFAULT '{}'            -- JSON {"agencies": 3, "reports_new": 1, ...}
);
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
INSERT INTO "schema_version" VALUES(1,'2026-11-25T23:55:24+00:00');
INSERT INTO "schema_version" VALUES(2,'2026-11-25T23:55:24+00:00');
INSERT INTO "schema_version" VALUES(3,'2026-11-25T23:55:24+00:00');
CREATE INDEX documents_sha256 ON documents (sha256);
CREATE UNIQUE INDEX reports_current ON reports (agency_id, year) WHERE is_current;
CREATE INDEX findings_open ON findings (resolved_at, severity);
CREATE INDEX findings_agency_year ON findings (agency_id, year);
CREATE TRIGGER findings_reopened AFTER UPDATE OF resolved_at ON findings
WHEN OLD.resolved_at IS NOT NULL AND NEW.resolved_at IS NULL
BEGIN
    UPDATE findings SET reopen_count = reopen_count + 1, reopened_at = NEW.last_seen WHERE id = NEW.id;
END;
CREATE INDEX outcome_history_agency_year ON outcome_history (agency_id, year, id);
CREATE VIEW "report_figures_wide" AS SELECT r.id AS report_id, r.agency_id, a.name AS agency, a.region, a.kind, r.year, r.template,
  max(CASE WHEN f.key = 'a20_1.regulation.issued' THEN f.value END) AS "a20_1.regulation.issued",
  max(CASE WHEN f.key = 'a20_1.regulation.abolished' THEN f.value END) AS "a20_1.regulation.abolished",
  max(CASE WHEN f.key = 'a20_1.regulation.in_force' THEN f.value END) AS "a20_1.regulation.in_force",
  max(CASE WHEN f.key = 'a20_1.normative.issued' THEN f.value END) AS "a20_1.normative.issued",
  max(CASE WHEN f.key = 'a20_1.normative.abolished' THEN f.value END) AS "a20_1.normative.abolished",
  max(CASE WHEN f.key = 'a20_1.normative.in_force' THEN f.value END) AS "a20_1.normative.in_force",
  max(CASE WHEN f.key = 'a20_5.licensing' THEN f.value END) AS "a20_5.licensing",
  max(CASE WHEN f.key = 'a20_6.penalty' THEN f.value END) AS "a20_6.penalty",
  max(CASE WHEN f.key = 'a20_6.coercion' THEN f.value END) AS "a20_6.coercion",
  max(CASE WHEN f.key = 'a20_8.fees_wan' THEN f.value END) AS "a20_8.fees_wan",
  max(CASE WHEN f.key = 'apply.new.natural' THEN f.value END) AS "apply.new.natural",
  max(CASE WHEN f.key = 'apply.new.commercial' THEN f.value END) AS "apply.new.commercial",
  max(CASE WHEN f.key = 'apply.new.research' THEN f.value END) AS "apply.new.research",
  max(CASE WHEN f.key = 'apply.new.social' THEN f.value END) AS "apply.new.social",
  max(CASE WHEN f.key = 'apply.new.legal' THEN f.value END) AS "apply.new.legal",
  max(CASE WHEN f.key = 'apply.new.other' THEN f.value END) AS "apply.new.other",
  max(CASE WHEN f.key = 'apply.new.total' THEN f.value END) AS "apply.new.total",
  max(CASE WHEN f.key = 'apply.carried_in.natural' THEN f.value END) AS "apply.carried_in.natural",
  max(CASE WHEN f.key = 'apply.carried_in.commercial' THEN f.value END) AS "apply.carried_in.commercial",
  max(CASE WHEN f.key = 'apply.carried_in.research' THEN f.value END) AS "apply.carried_in.research",
  max(CASE WHEN f.key = 'apply.carried_in.social' THEN f.value END) AS "apply.carried_in.social",
  max(CASE WHEN f.key = 'apply.carried_in.legal' THEN f.value END) AS "apply.carried_in.legal",
  max(CASE WHEN f.key = 'apply.carried_in.other' THEN f.value END) AS "apply.carried_in.other",
  max(CASE WHEN f.key = 'apply.carried_in.total' THEN f.value END) AS "apply.carried_in.total",
  max(CASE WHEN f.key = 'apply.granted.natural' THEN f.value END) AS "apply.granted.natural",
  max(CASE WHEN f.key = 'apply.granted.commercial' THEN f.value END) AS "apply.granted.commercial",
  max(CASE WHEN f.key = 'apply.granted.research' THEN f.value END) AS "apply.granted.research",
  max(CASE WHEN f.key = 'apply.granted.social' THEN f.value END) AS "apply.granted.social",
  max(CASE WHEN f.key = 'apply.granted.legal' THEN f.value END) AS "apply.granted.legal",
  max(CASE WHEN f.key = 'apply.granted.other' THEN f.value END) AS "apply.granted.other",
  max(CASE WHEN f.key = 'apply.granted.total' THEN f.value END) AS "apply.granted.total",
  max(CASE WHEN f.key = 'apply.partial.natural' THEN f.value END) AS "apply.partial.natural",
  max(CASE WHEN f.key = 'apply.partial.commercial' THEN f.value END) AS "apply.partial.commercial",
  max(CASE WHEN f.key = 'apply.partial.research' THEN f.value END) AS "apply.partial.research",
  max(CASE WHEN f.key = 'apply.partial.social' THEN f.value END) AS "apply.partial.social",
  max(CASE WHEN f.key = 'apply.partial.legal' THEN f.value END) AS "apply.partial.legal",
  max(CASE WHEN f.key = 'apply.partial.other' THEN f.value END) AS "apply.partial.other",
  max(CASE WHEN f.key = 'apply.partial.total' THEN f.value END) AS "apply.partial.total",
  max(CASE WHEN f.key = 'apply.withheld_secret.natural' THEN f.value END) AS "apply.withheld_secret.natural",
  max(CASE WHEN f.key = 'apply.withheld_secret.commercial' THEN f.value END) AS "apply.withheld_secret.commercial",
  max(CASE WHEN f.key = 'apply.withheld_secret.research' THEN f.value END) AS "apply.withheld_secret.research",
  max(CASE WHEN f.key = 'apply.withheld_secret.social' THEN f.value END) AS "apply.withheld_secret.social",
  max(CASE WHEN f.key = 'apply.withheld_secret.legal' THEN f.value END) AS "apply.withheld_secret.legal",
  max(CASE WHEN f.key = 'apply.withheld_secret.other' THEN f.value END) AS "apply.withheld_secret.other",
  max(CASE WHEN f.key = 'apply.withheld_secret.total' THEN f.value END) AS "apply.withheld_secret.total",
  max(CASE WHEN f.key = 'apply.withheld_law.natural' THEN f.value END) AS "apply.withheld_law.natural",
  max(CASE WHEN f.key = 'apply.withheld_law.commercial' THEN f.value END) AS "apply.withheld_law.commercial",
  max(CASE WHEN f.key = 'apply.withheld_law.research' THEN f.value END) AS "apply.withheld_law.research",
  max(CASE WHEN f.key = 'apply.withheld_law.social' THEN f.value END) AS "apply.withheld_law.social",
  max(CASE WHEN f.key = 'apply.withheld_law.legal' THEN f.value END) AS "apply.withheld_law.legal",
  max(CASE WHEN f.key = 'apply.withheld_law.other' THEN f.value END) AS "apply.withheld_law.other",
  max(CASE WHEN f.key = 'apply.withheld_law.total' THEN f.value END) AS "apply.withheld_law.total",
  max(CASE WHEN f.key = 'apply.withheld_security.natural' THEN f.value END) AS "apply.withheld_security.natural",
  max(CASE WHEN f.key = 'apply.withheld_security.commercial' THEN f.value END) AS "apply.withheld_security.commercial",
  max(CASE WHEN f.key = 'apply.withheld_security.research' THEN f.value END) AS "apply.withheld_security.research",
  max(CASE WHEN f.key = 'apply.withheld_security.social' THEN f.value END) AS "apply.withheld_security.social",
  max(CASE WHEN f.key = 'apply.withheld_security.legal' THEN f.value END) AS "apply.withheld_security.legal",
  max(CASE WHEN f.key = 'apply.withheld_security.other' THEN f.value END) AS "apply.withheld_security.other",
  max(CASE WHEN f.key = 'apply.withheld_security.total' THEN f.value END) AS "apply.withheld_security.total",
  max(CASE WHEN f.key = 'apply.withheld_third_party.natural' THEN f.value END) AS "apply.withheld_third_party.natural",
  max(CASE WHEN f.key = 'apply.withheld_third_party.commercial' THEN f.value END) AS "apply.withheld_third_party.commercial",
  max(CASE WHEN f.key = 'apply.withheld_third_party.research' THEN f.value END) AS "apply.withheld_third_party.research",
  max(CASE WHEN f.key = 'apply.withheld_third_party.social' THEN f.value END) AS "apply.withheld_third_party.social",
  max(CASE WHEN f.key = 'apply.withheld_third_party.legal' THEN f.value END) AS "apply.withheld_third_party.legal",
  max(CASE WHEN f.key = 'apply.withheld_third_party.other' THEN f.value END) AS "apply.withheld_third_party.other",
  max(CASE WHEN f.key = 'apply.withheld_third_party.total' THEN f.value END) AS "apply.withheld_third_party.total",
  max(CASE WHEN f.key = 'apply.withheld_internal.natural' THEN f.value END) AS "apply.withheld_internal.natural",
  max(CASE WHEN f.key = 'apply.withheld_internal.commercial' THEN f.value END) AS "apply.withheld_internal.commercial",
  max(CASE WHEN f.key = 'apply.withheld_internal.research' THEN f.value END) AS "apply.withheld_internal.research",
  max(CASE WHEN f.key = 'apply.withheld_internal.social' THEN f.value END) AS "apply.withheld_internal.social",
  max(CASE WHEN f.key = 'apply.withheld_internal.legal' THEN f.value END) AS "apply.withheld_internal.legal",
  max(CASE WHEN f.key = 'apply.withheld_internal.other' THEN f.value END) AS "apply.withheld_internal.other",
  max(CASE WHEN f.key = 'apply.withheld_internal.total' THEN f.value END) AS "apply.withheld_internal.total",
  max(CASE WHEN f.key = 'apply.withheld_process.natural' THEN f.value END) AS "apply.withheld_process.natural",
  max(CASE WHEN f.key = 'apply.withheld_process.commercial' THEN f.value END) AS "apply.withheld_process.commercial",
  max(CASE WHEN f.key = 'apply.withheld_process.research' THEN f.value END) AS "apply.withheld_process.research",
  max(CASE WHEN f.key = 'apply.withheld_process.social' THEN f.value END) AS "apply.withheld_process.social",
  max(CASE WHEN f.key = 'apply.withheld_process.legal' THEN f.value END) AS "apply.withheld_process.legal",
  max(CASE WHEN f.key = 'apply.withheld_process.other' THEN f.value END) AS "apply.withheld_process.other",
  max(CASE WHEN f.key = 'apply.withheld_process.total' THEN f.value END) AS "apply.withheld_process.total",
  max(CASE WHEN f.key = 'apply.withheld_enforcement.natural' THEN f.value END) AS "apply.withheld_enforcement.natural",
  max(CASE WHEN f.key = 'apply.withheld_enforcement.commercial' THEN f.value END) AS "apply.withheld_enforcement.commercial",
  max(CASE WHEN f.key = 'apply.withheld_enforcement.research' THEN f.value END) AS "apply.withheld_enforcement.research",
  max(CASE WHEN f.key = 'apply.withheld_enforcement.social' THEN f.value END) AS "apply.withheld_enforcement.social",
  max(CASE WHEN f.key = 'apply.withheld_enforcement.legal' THEN f.value END) AS "apply.withheld_enforcement.legal",
  max(CASE WHEN f.key = 'apply.withheld_enforcement.other' THEN f.value END) AS "apply.withheld_enforcement.other",
  max(CASE WHEN f.key = 'apply.withheld_enforcement.total' THEN f.value END) AS "apply.withheld_enforcement.total",
  max(CASE WHEN f.key = 'apply.withheld_inquiry.natural' THEN f.value END) AS "apply.withheld_inquiry.natural",
  max(CASE WHEN f.key = 'apply.withheld_inquiry.commercial' THEN f.value END) AS "apply.withheld_inquiry.commercial",
  max(CASE WHEN f.key = 'apply.withheld_inquiry.research' THEN f.value END) AS "apply.withheld_inquiry.research",
  max(CASE WHEN f.key = 'apply.withheld_inquiry.social' THEN f.value END) AS "apply.withheld_inquiry.social",
  max(CASE WHEN f.key = 'apply.withheld_inquiry.legal' THEN f.value END) AS "apply.withheld_inquiry.legal",
  max(CASE WHEN f.key = 'apply.withheld_inquiry.other' THEN f.value END) AS "apply.withheld_inquiry.other",
  max(CASE WHEN f.key = 'apply.withheld_inquiry.total' THEN f.value END) AS "apply.withheld_inquiry.total",
  max(CASE WHEN f.key = 'apply.unable_not_held.natural' THEN f.value END) AS "apply.unable_not_held.natural",
  max(CASE WHEN f.key = 'apply.unable_not_held.commercial' THEN f.value END) AS "apply.unable_not_held.commercial",
  max(CASE WHEN f.key = 'apply.unable_not_held.research' THEN f.value END) AS "apply.unable_not_held.research",
  max(CASE WHEN f.key = 'apply.unable_not_held.social' THEN f.value END) AS "apply.unable_not_held.social",
  max(CASE WHEN f.key = 'apply.unable_not_held.legal' THEN f.value END) AS "apply.unable_not_held.legal",
  max(CASE WHEN f.key = 'apply.unable_not_held.other' THEN f.value END) AS "apply.unable_not_held.other",
  max(CASE WHEN f.key = 'apply.unable_not_held.total' THEN f.value END) AS "apply.unable_not_held.total",
  max(CASE WHEN f.key = 'apply.unable_need_create.natural' THEN f.value END) AS "apply.unable_need_create.natural",
  max(CASE WHEN f.key = 'apply.unable_need_create.commercial' THEN f.value END) AS "apply.unable_need_create.commercial",
  max(CASE WHEN f.key = 'apply.unable_need_create.research' THEN f.value END) AS "apply.unable_need_create.research",
  max(CASE WHEN f.key = 'apply.unable_need_create.social' THEN f.value END) AS "apply.unable_need_create.social",
  max(CASE WHEN f.key = 'apply.unable_need_create.legal' THEN f.value END) AS "apply.unable_need_create.legal",
  max(CASE WHEN f.key = 'apply.unable_need_create.other' THEN f.value END) AS "apply.unable_need_create.other",
  max(CASE WHEN f.key = 'apply.unable_need_create.total' THEN f.value END) AS "apply.unable_need_create.total",
  max(CASE WHEN f.key = 'apply.unable_unclear.natural' THEN f.value END) AS "apply.unable_unclear.natural",
  max(CASE WHEN f.key = 'apply.unable_unclear.commercial' THEN f.value END) AS "apply.unable_unclear.commercial",
  max(CASE WHEN f.key = 'apply.unable_unclear.research' THEN f.value END) AS "apply.unable_unclear.research",
  max(CASE WHEN f.key = 'apply.unable_unclear.social' THEN f.value END) AS "apply.unable_unclear.social",
  max(CASE WHEN f.key = 'apply.unable_unclear.legal' THEN f.value END) AS "apply.unable_unclear.legal",
  max(CASE WHEN f.key = 'apply.unable_unclear.other' THEN f.value END) AS "apply.unable_unclear.other",
  max(CASE WHEN f.key = 'apply.unable_unclear.total' THEN f.value END) AS "apply.unable_unclear.total",
  max(CASE WHEN f.key = 'apply.rejected_petition.natural' THEN f.value END) AS "apply.rejected_petition.natural",
  max(CASE WHEN f.key = 'apply.rejected_petition.commercial' THEN f.value END) AS "apply.rejected_petition.commercial",
  max(CASE WHEN f.key = 'apply.rejected_petition.research' THEN f.value END) AS "apply.rejected_petition.research",
  max(CASE WHEN f.key = 'apply.rejected_petition.social' THEN f.value END) AS "apply.rejected_petition.social",
  max(CASE WHEN f.key = 'apply.rejected_petition.legal' THEN f.value END) AS "apply.rejected_petition.legal",
  max(CASE WHEN f.key = 'apply.rejected_petition.other' THEN f.value END) AS "apply.rejected_petition.other",
  max(CASE WHEN f.key = 'apply.rejected_petition.total' THEN f.value END) AS "apply.rejected_petition.total",
  max(CASE WHEN f.key = 'apply.rejected_duplicate.natural' THEN f.value END) AS "apply.rejected_duplicate.natural",
  max(CASE WHEN f.key = 'apply.rejected_duplicate.commercial' THEN f.value END) AS "apply.rejected_duplicate.commercial",
  max(CASE WHEN f.key = 'apply.rejected_duplicate.research' THEN f.value END) AS "apply.rejected_duplicate.research",
  max(CASE WHEN f.key = 'apply.rejected_duplicate.social' THEN f.value END) AS "apply.rejected_duplicate.social",
  max(CASE WHEN f.key = 'apply.rejected_duplicate.legal' THEN f.value END) AS "apply.rejected_duplicate.legal",
  max(CASE WHEN f.key = 'apply.rejected_duplicate.other' THEN f.value END) AS "apply.rejected_duplicate.other",
  max(CASE WHEN f.key = 'apply.rejected_duplicate.total' THEN f.value END) AS "apply.rejected_duplicate.total",
  max(CASE WHEN f.key = 'apply.rejected_publication.natural' THEN f.value END) AS "apply.rejected_publication.natural",
  max(CASE WHEN f.key = 'apply.rejected_publication.commercial' THEN f.value END) AS "apply.rejected_publication.commercial",
  max(CASE WHEN f.key = 'apply.rejected_publication.research' THEN f.value END) AS "apply.rejected_publication.research",
  max(CASE WHEN f.key = 'apply.rejected_publication.social' THEN f.value END) AS "apply.rejected_publication.social",
  max(CASE WHEN f.key = 'apply.rejected_publication.legal' THEN f.value END) AS "apply.rejected_publication.legal",
  max(CASE WHEN f.key = 'apply.rejected_publication.other' THEN f.value END) AS "apply.rejected_publication.other",
  max(CASE WHEN f.key = 'apply.rejected_publication.total' THEN f.value END) AS "apply.rejected_publication.total",
  max(CASE WHEN f.key = 'apply.rejected_excessive.natural' THEN f.value END) AS "apply.rejected_excessive.natural",
  max(CASE WHEN f.key = 'apply.rejected_excessive.commercial' THEN f.value END) AS "apply.rejected_excessive.commercial",
  max(CASE WHEN f.key = 'apply.rejected_excessive.research' THEN f.value END) AS "apply.rejected_excessive.research",
  max(CASE WHEN f.key = 'apply.rejected_excessive.social' THEN f.value END) AS "apply.rejected_excessive.social",
  max(CASE WHEN f.key = 'apply.rejected_excessive.legal' THEN f.value END) AS "apply.rejected_excessive.legal",
  max(CASE WHEN f.key = 'apply.rejected_excessive.other' THEN f.value END) AS "apply.rejected_excessive.other",
  max(CASE WHEN f.key = 'apply.rejected_excessive.total' THEN f.value END) AS "apply.rejected_excessive.total",
  max(CASE WHEN f.key = 'apply.rejected_confirm.natural' THEN f.value END) AS "apply.rejected_confirm.natural",
  max(CASE WHEN f.key = 'apply.rejected_confirm.commercial' THEN f.value END) AS "apply.rejected_confirm.commercial",
  max(CASE WHEN f.key = 'apply.rejected_confirm.research' THEN f.value END) AS "apply.rejected_confirm.research",
  max(CASE WHEN f.key = 'apply.rejected_confirm.social' THEN f.value END) AS "apply.rejected_confirm.social",
  max(CASE WHEN f.key = 'apply.rejected_confirm.legal' THEN f.value END) AS "apply.rejected_confirm.legal",
  max(CASE WHEN f.key = 'apply.rejected_confirm.other' THEN f.value END) AS "apply.rejected_confirm.other",
  max(CASE WHEN f.key = 'apply.rejected_confirm.total' THEN f.value END) AS "apply.rejected_confirm.total",
  max(CASE WHEN f.key = 'apply.other_no_correction.natural' THEN f.value END) AS "apply.other_no_correction.natural",
  max(CASE WHEN f.key = 'apply.other_no_correction.commercial' THEN f.value END) AS "apply.other_no_correction.commercial",
  max(CASE WHEN f.key = 'apply.other_no_correction.research' THEN f.value END) AS "apply.other_no_correction.research",
  max(CASE WHEN f.key = 'apply.other_no_correction.social' THEN f.value END) AS "apply.other_no_correction.social",
  max(CASE WHEN f.key = 'apply.other_no_correction.legal' THEN f.value END) AS "apply.other_no_correction.legal",
  max(CASE WHEN f.key = 'apply.other_no_correction.other' THEN f.value END) AS "apply.other_no_correction.other",
  max(CASE WHEN f.key = 'apply.other_no_correction.total' THEN f.value END) AS "apply.other_no_correction.total",
  max(CASE WHEN f.key = 'apply.other_no_fee.natural' THEN f.value END) AS "apply.other_no_fee.natural",
  max(CASE WHEN f.key = 'apply.other_no_fee.commercial' THEN f.value END) AS "apply.other_no_fee.commercial",
  max(CASE WHEN f.key = 'apply.other_no_fee.research' THEN f.value END) AS "apply.other_no_fee.research",
  max(CASE WHEN f.key = 'apply.other_no_fee.social' THEN f.value END) AS "apply.other_no_fee.social",
  max(CASE WHEN f.key = 'apply.other_no_fee.legal' THEN f.value END) AS "apply.other_no_fee.legal",
  max(CASE WHEN f.key = 'apply.other_no_fee.other' THEN f.value END) AS "apply.other_no_fee.other",
  max(CASE WHEN f.key = 'apply.other_no_fee.total' THEN f.value END) AS "apply.other_no_fee.total",
  max(CASE WHEN f.key = 'apply.other_other.natural' THEN f.value END) AS "apply.other_other.natural",
  max(CASE WHEN f.key = 'apply.other_other.commercial' THEN f.value END) AS "apply.other_other.commercial",
  max(CASE WHEN f.key = 'apply.other_other.research' THEN f.value END) AS "apply.other_other.research",
  max(CASE WHEN f.key = 'apply.other_other.social' THEN f.value END) AS "apply.other_other.social",
  max(CASE WHEN f.key = 'apply.other_other.legal' THEN f.value END) AS "apply.other_other.legal",
  max(CASE WHEN f.key = 'apply.other_other.other' THEN f.value END) AS "apply.other_other.other",
  max(CASE WHEN f.key = 'apply.other_other.total' THEN f.value END) AS "apply.other_other.total",
  max(CASE WHEN f.key = 'apply.result_total.natural' THEN f.value END) AS "apply.result_total.natural",
  max(CASE WHEN f.key = 'apply.result_total.commercial' THEN f.value END) AS "apply.result_total.commercial",
  max(CASE WHEN f.key = 'apply.result_total.research' THEN f.value END) AS "apply.result_total.research",
  max(CASE WHEN f.key = 'apply.result_total.social' THEN f.value END) AS "apply.result_total.social",
  max(CASE WHEN f.key = 'apply.result_total.legal' THEN f.value END) AS "apply.result_total.legal",
  max(CASE WHEN f.key = 'apply.result_total.other' THEN f.value END) AS "apply.result_total.other",
  max(CASE WHEN f.key = 'apply.result_total.total' THEN f.value END) AS "apply.result_total.total",
  max(CASE WHEN f.key = 'apply.carried_out.natural' THEN f.value END) AS "apply.carried_out.natural",
  max(CASE WHEN f.key = 'apply.carried_out.commercial' THEN f.value END) AS "apply.carried_out.commercial",
  max(CASE WHEN f.key = 'apply.carried_out.research' THEN f.value END) AS "apply.carried_out.research",
  max(CASE WHEN f.key = 'apply.carried_out.social' THEN f.value END) AS "apply.carried_out.social",
  max(CASE WHEN f.key = 'apply.carried_out.legal' THEN f.value END) AS "apply.carried_out.legal",
  max(CASE WHEN f.key = 'apply.carried_out.other' THEN f.value END) AS "apply.carried_out.other",
  max(CASE WHEN f.key = 'apply.carried_out.total' THEN f.value END) AS "apply.carried_out.total",
  max(CASE WHEN f.key = 'review.upheld' THEN f.value END) AS "review.upheld",
  max(CASE WHEN f.key = 'review.corrected' THEN f.value END) AS "review.corrected",
  max(CASE WHEN f.key = 'review.other' THEN f.value END) AS "review.other",
  max(CASE WHEN f.key = 'review.pending' THEN f.value END) AS "review.pending",
  max(CASE WHEN f.key = 'review.total' THEN f.value END) AS "review.total",
  max(CASE WHEN f.key = 'suit_direct.upheld' THEN f.value END) AS "suit_direct.upheld",
  max(CASE WHEN f.key = 'suit_direct.corrected' THEN f.value END) AS "suit_direct.corrected",
  max(CASE WHEN f.key = 'suit_direct.other' THEN f.value END) AS "suit_direct.other",
  max(CASE WHEN f.key = 'suit_direct.pending' THEN f.value END) AS "suit_direct.pending",
  max(CASE WHEN f.key = 'suit_direct.total' THEN f.value END) AS "suit_direct.total",
  max(CASE WHEN f.key = 'suit_after_review.upheld' THEN f.value END) AS "suit_after_review.upheld",
  max(CASE WHEN f.key = 'suit_after_review.corrected' THEN f.value END) AS "suit_after_review.corrected",
  max(CASE WHEN f.key = 'suit_after_review.other' THEN f.value END) AS "suit_after_review.other",
  max(CASE WHEN f.key = 'suit_after_review.pending' THEN f.value END) AS "suit_after_review.pending",
  max(CASE WHEN f.key = 'suit_after_review.total' THEN f.value END) AS "suit_after_review.total",
  max(CASE WHEN f.key = 'a20_1_2019.regulation.made' THEN f.value END) AS "a20_1_2019.regulation.made",
  max(CASE WHEN f.key = 'a20_1_2019.regulation.published' THEN f.value END) AS "a20_1_2019.regulation.published",
  max(CASE WHEN f.key = 'a20_1_2019.regulation.total_public' THEN f.value END) AS "a20_1_2019.regulation.total_public",
  max(CASE WHEN f.key = 'a20_1_2019.normative.made' THEN f.value END) AS "a20_1_2019.normative.made",
  max(CASE WHEN f.key = 'a20_1_2019.normative.published' THEN f.value END) AS "a20_1_2019.normative.published",
  max(CASE WHEN f.key = 'a20_1_2019.normative.total_public' THEN f.value END) AS "a20_1_2019.normative.total_public",
  max(CASE WHEN f.key = 'a20_5_2019.licensing.prev_items' THEN f.value END) AS "a20_5_2019.licensing.prev_items",
  max(CASE WHEN f.key = 'a20_5_2019.licensing.delta' THEN f.value END) AS "a20_5_2019.licensing.delta",
  max(CASE WHEN f.key = 'a20_5_2019.licensing.decisions' THEN f.value END) AS "a20_5_2019.licensing.decisions",
  max(CASE WHEN f.key = 'a20_5_2019.other_services.prev_items' THEN f.value END) AS "a20_5_2019.other_services.prev_items",
  max(CASE WHEN f.key = 'a20_5_2019.other_services.delta' THEN f.value END) AS "a20_5_2019.other_services.delta",
  max(CASE WHEN f.key = 'a20_5_2019.other_services.decisions' THEN f.value END) AS "a20_5_2019.other_services.decisions",
  max(CASE WHEN f.key = 'a20_6_2019.penalty.prev_items' THEN f.value END) AS "a20_6_2019.penalty.prev_items",
  max(CASE WHEN f.key = 'a20_6_2019.penalty.delta' THEN f.value END) AS "a20_6_2019.penalty.delta",
  max(CASE WHEN f.key = 'a20_6_2019.penalty.decisions' THEN f.value END) AS "a20_6_2019.penalty.decisions",
  max(CASE WHEN f.key = 'a20_6_2019.coercion.prev_items' THEN f.value END) AS "a20_6_2019.coercion.prev_items",
  max(CASE WHEN f.key = 'a20_6_2019.coercion.delta' THEN f.value END) AS "a20_6_2019.coercion.delta",
  max(CASE WHEN f.key = 'a20_6_2019.coercion.decisions' THEN f.value END) AS "a20_6_2019.coercion.decisions",
  max(CASE WHEN f.key = 'a20_8_2019.fees.prev_items' THEN f.value END) AS "a20_8_2019.fees.prev_items",
  max(CASE WHEN f.key = 'a20_8_2019.fees.delta' THEN f.value END) AS "a20_8_2019.fees.delta",
  max(CASE WHEN f.key = 'a20_9_2019.procurement.projects' THEN f.value END) AS "a20_9_2019.procurement.projects",
  max(CASE WHEN f.key = 'a20_9_2019.procurement.amount' THEN f.value END) AS "a20_9_2019.procurement.amount",
  max(CASE WHEN f.key = 'apply.other_single.natural' THEN f.value END) AS "apply.other_single.natural",
  max(CASE WHEN f.key = 'apply.other_single.commercial' THEN f.value END) AS "apply.other_single.commercial",
  max(CASE WHEN f.key = 'apply.other_single.research' THEN f.value END) AS "apply.other_single.research",
  max(CASE WHEN f.key = 'apply.other_single.social' THEN f.value END) AS "apply.other_single.social",
  max(CASE WHEN f.key = 'apply.other_single.legal' THEN f.value END) AS "apply.other_single.legal",
  max(CASE WHEN f.key = 'apply.other_single.other' THEN f.value END) AS "apply.other_single.other",
  max(CASE WHEN f.key = 'apply.other_single.total' THEN f.value END) AS "apply.other_single.total"
FROM reports r JOIN agencies a ON a.id = r.agency_id
LEFT JOIN figures f ON f.report_id = r.id
WHERE r.is_current
GROUP BY r.id;
CREATE VIEW "open_findings" AS SELECT f.*, a.name AS agency, a.region, a.kind
FROM findings f LEFT JOIN agencies a ON a.id = f.agency_id
WHERE f.resolved_at IS NULL AND f.dismissed_at IS NULL;
COMMIT;
