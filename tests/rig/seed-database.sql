-- BackupPs test rig: builds a seed-like database in the CURRENT database.
--
--   psql -v scale=N -v ON_ERROR_STOP=1 -f seed-database.sql       (scale defaults to 1; may be
--                                                                   fractional, e.g. 0.1)
--
-- Modelled on the runbook's app, an equipment lending system using Prisma: employees, items,
-- loans, transactions, _prisma_migrations (Prisma's own DDL), Prisma-style enums, camelCase
-- quoted columns and TIMESTAMP(3). Plus: an empty table (item_reservations), a table whose name
-- needs quoting in a second schema (inventory."Order Items"), a standalone sequence
-- (loan_number_seq), a view (active_loans), a function, comments and indexes.
--
-- Data is generated server-side with generate_series, deterministically (setseed), and varied
-- enough for realistic compression. It deliberately contains values that break naive dump
-- parsers: newlines, CRLF, tabs, backslashes, a line that is exactly \. , the text \N, an empty
-- string next to NULLs, Japanese text and emoji, quotes and semicolons, 'infinity' timestamps,
-- bytea (small and one ~190 kB TOASTed value).
--
-- Size: pg_dump -Fc -Z0 of the result is roughly scale x 1 MB (see tests/rig/README.md).
-- Re-running drops and recreates everything this script owns.

\set QUIET on
\set ON_ERROR_STOP on
\if :{?scale}
\else
\set scale 1
\endif

SET client_min_messages = warning;
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';
SET work_mem = '64MB';
SET jit = off;

-- rows per unit of scale
SELECT greatest(1, round(35   * :scale))::int AS n_employees,
       greatest(1, round(135  * :scale))::int AS n_items,
       greatest(1, round(1070 * :scale))::int AS n_loans,
       greatest(1, round(2225 * :scale))::int AS n_transactions,
       greatest(3, round(270  * :scale))::int AS n_order_items
\gset

SELECT setseed(0.20240607) \gset seed_

BEGIN;

DROP SCHEMA IF EXISTS inventory CASCADE;
DROP VIEW IF EXISTS public.active_loans;
DROP TABLE IF EXISTS public.item_reservations, public.transactions, public.loans, public.items,
    public.employees, public._prisma_migrations CASCADE;
DROP TYPE IF EXISTS public."ItemStatus", public."LoanStatus", public."TransactionKind" CASCADE;
DROP SEQUENCE IF EXISTS public.loan_number_seq;
DROP FUNCTION IF EXISTS public.item_label(text, text);

-- ------------------------------------------------------------------------------------------
-- schema (what `prisma migrate deploy` would have created)
-- ------------------------------------------------------------------------------------------
CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);

CREATE TYPE "ItemStatus" AS ENUM ('AVAILABLE', 'ON_LOAN', 'MAINTENANCE', 'RETIRED');
CREATE TYPE "LoanStatus" AS ENUM ('ACTIVE', 'RETURNED', 'OVERDUE', 'LOST');
CREATE TYPE "TransactionKind" AS ENUM ('CHECKOUT', 'RETURN', 'EXTEND', 'REPAIR', 'AUDIT');

CREATE SEQUENCE loan_number_seq START WITH 100001 INCREMENT BY 1 CACHE 1;

CREATE TABLE employees (
    id              SERIAL NOT NULL,
    "employeeCode"  TEXT NOT NULL,
    name            TEXT NOT NULL,
    "nameRomaji"    TEXT,
    email           TEXT NOT NULL,
    department      TEXT NOT NULL,
    "isActive"      BOOLEAN NOT NULL DEFAULT true,
    "hiredOn"       DATE NOT NULL,
    notes           TEXT,
    photo           BYTEA,
    "createdAt"     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"     TIMESTAMP(3) NOT NULL
);

CREATE TABLE items (
    id              SERIAL NOT NULL,
    "assetTag"      TEXT NOT NULL,
    name            TEXT NOT NULL,
    category        TEXT NOT NULL,
    "serialNumber"  TEXT,
    status          "ItemStatus" NOT NULL DEFAULT 'AVAILABLE',
    description     TEXT,
    "purchasePrice" DECIMAL(10,2),
    "purchasedAt"   DATE,
    metadata        JSONB,
    "createdAt"     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"     TIMESTAMP(3) NOT NULL
);

CREATE TABLE loans (
    id              SERIAL NOT NULL,
    "loanNumber"    BIGINT NOT NULL DEFAULT nextval('loan_number_seq'),
    "itemId"        INTEGER NOT NULL,
    "employeeId"    INTEGER NOT NULL,
    status          "LoanStatus" NOT NULL DEFAULT 'ACTIVE',
    "loanedAt"      TIMESTAMP(3) NOT NULL,
    "dueAt"         TIMESTAMP(3),
    "returnedAt"    TIMESTAMP(3),
    note            TEXT,
    "createdAt"     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"     TIMESTAMP(3) NOT NULL
);

CREATE TABLE transactions (
    id              BIGSERIAL NOT NULL,
    "loanId"        INTEGER,
    "itemId"        INTEGER NOT NULL,
    "employeeId"    INTEGER,
    kind            "TransactionKind" NOT NULL,
    "occurredAt"    TIMESTAMP(3) NOT NULL,
    amount          DECIMAL(12,2),
    memo            TEXT,
    payload         JSONB,
    signature       BYTEA,
    "createdAt"     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- stays empty on purpose
CREATE TABLE item_reservations (
    id              SERIAL NOT NULL,
    "itemId"        INTEGER NOT NULL,
    "employeeId"    INTEGER NOT NULL,
    "reservedFrom"  TIMESTAMP(3) NOT NULL,
    "reservedUntil" TIMESTAMP(3) NOT NULL,
    comment         TEXT,
    CONSTRAINT item_reservations_pkey PRIMARY KEY (id)
);

CREATE SCHEMA inventory;
CREATE TABLE inventory."Order Items" (
    "Order ID"      BIGINT NOT NULL,
    "Line No"       SMALLINT NOT NULL,
    "Item ID"       INTEGER NOT NULL,
    "Quantity"      INTEGER NOT NULL DEFAULT 1,
    "Unit Price"    NUMERIC(10,2),
    "Remarks"       TEXT
);

COMMENT ON TABLE employees IS '社員マスタ (employees); synced from HR nightly';
COMMENT ON TABLE inventory."Order Items" IS 'Purchase order lines; name needs quoting: "Order Items"';
COMMENT ON COLUMN loans."dueAt" IS 'NULL = no due date; ''infinity'' = indefinite loan';

-- ------------------------------------------------------------------------------------------
-- vocabulary and a pool of memo sentences (temp: not part of the database)
-- ------------------------------------------------------------------------------------------
CREATE TEMP TABLE vocab AS SELECT
    ARRAY['laptop','charger','returned','checked','battery','screen','cable','adapter','keyboard',
          'mouse','monitor','projector','camera','tripod','license','repair','scratch','minor',
          'damage','good','condition','missing','replaced','updated','firmware','reset','meeting',
          'room','floor','project','deadline','client','visit','demo','training','backup','spare',
          'loaner','urgent','approved','pending','by','for','the','and','with','after','before',
          'on','in','of','to','a','was','is','not','see','ticket','invoice','warranty','sticker',
          '返却済み','貸出中','修理','充電器','ノートパソコン','会議室','確認','破損なし','付属品',
          'ケーブル','プロジェクター','カメラ','三脚','至急','承認','保留','研修','出張','客先',
          '予備','バッテリー','画面','傷あり','交換','更新','です','ました','お願いします'] AS w,
    ARRAY['山田','佐藤','鈴木','高橋','田中','伊藤','渡辺','中村','小林','加藤','吉田','山本',
          '松本','井上','木村','林','斎藤','清水','山崎','森'] AS jl,
    ARRAY['Yamada','Sato','Suzuki','Takahashi','Tanaka','Ito','Watanabe','Nakamura','Kobayashi',
          'Kato','Yoshida','Yamamoto','Matsumoto','Inoue','Kimura','Hayashi','Saito','Shimizu',
          'Yamazaki','Mori'] AS jlr,
    ARRAY['太郎','花子','健','美咲','翔太','陽菜','大輔','さくら','拓也','愛','直樹','結衣',
          '誠','舞','亮','彩','剛','恵','蓮','葵'] AS jf,
    ARRAY['Taro','Hanako','Ken','Misaki','Shota','Hina','Daisuke','Sakura','Takuya','Ai','Naoki',
          'Yui','Makoto','Mai','Ryo','Aya','Tsuyoshi','Megumi','Ren','Aoi'] AS jfr,
    ARRAY['Anna','Ben','Carla','David','Emma','Felix','Grace','Hugo','Iris','Jonas','Klara',
          'Liam','Mia','Noah','Olga','Paul','Rosa','Sven','Tara','Zoe'] AS ef,
    ARRAY['Schmidt','Müller','Novák','O''Brien','García','Silva','Dubois','Rossi','Nguyen',
          'Kowalski','Smith','Jensen','Costa','Fischer','Weber','Meyer','Björk','Łukasz','Ivanova',
          'Van der Berg'] AS el,
    ARRAY['総務部','経理部','営業部','開発部','情報システム部','人事部','Marketing','R&D',
          'Sales / EMEA','IT Support'] AS dept,
    ARRAY['Laptop','Monitor','Projector','Camera','Tablet','Phone','Headset','Dock','Tripod',
          'Microphone','Router','Cable kit'] AS cat,
    ARRAY['ThinkPad','Latitude','EliteBook','MacBook','Surface','Xperia','Pixel','EOS','Alpha',
          'Lumix','Jabra','Poly','Anker','Epson','BenQ','Dell','LG','Sony','Canon','Panasonic'] AS brand;

CREATE TEMP TABLE pool AS
SELECT g AS id,
       CASE g % 40
           WHEN 0  THEN s1 || E'\n\\.\n' || s2                          -- "\." alone on a line
           WHEN 1  THEN s1 || E'\r\n' || s2                             -- CRLF
           WHEN 2  THEN s1 || E'\t' || s2 || E'\t'                      -- tabs, trailing tab
           WHEN 3  THEN 'saved to C:\Users\' || s2 || '\Desktop\backup.zip'  -- backslashes
           WHEN 4  THEN s1 || ' \N ' || s2                              -- literal \N, not NULL
           WHEN 5  THEN s1 || ' 🔧📦 ' || s2                           -- 4-byte UTF-8
           WHEN 6  THEN s1 || '; DROP TABLE "loans"; -- '' " /* ' || s2  -- quotes, comments
           WHEN 7  THEN s1 || E'\n' || s2 || E'\n' || s1                -- plain multi-line
           WHEN 8  THEN s1 || E'\\' || s2 || E'\\'                      -- trailing backslash
           WHEN 9  THEN E'\\.'                                          -- exactly "\."
           ELSE s1
       END AS s
FROM (
    SELECT g,
           (SELECT string_agg(v.w[1 + floor(random() * cardinality(v.w))::int + 0 * k], ' ')
              FROM generate_series(1, 2 + floor(random() * 10)::int + 0 * g) k) AS s1,
           (SELECT string_agg(v.w[1 + floor(random() * cardinality(v.w))::int + 0 * k], ' ')
              FROM generate_series(1, 2 + floor(random() * 6)::int + 0 * g) k) AS s2
    FROM generate_series(1, 4000) g, vocab v
) x;
CREATE UNIQUE INDEX ON pool (id);
ANALYZE pool;

-- ------------------------------------------------------------------------------------------
-- data
-- ------------------------------------------------------------------------------------------
INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at,
                                started_at, applied_steps_count)
SELECT md5(name)::uuid::text,
       encode(sha256(convert_to(name, 'UTF8')), 'hex'),
       ts + interval '312 milliseconds',
       name,
       CASE WHEN n = 4 THEN E'Migration failed, rolled back by hand:\nERROR: column "serialNumber" contains null values\n' END,
       CASE WHEN n = 4 THEN ts + interval '2 hours' END,
       ts,
       CASE WHEN n = 4 THEN 0 ELSE 1 END
FROM (VALUES
    (1,  '20230110091500_init',                       timestamptz '2023-01-10 09:15:00+09'),
    (2,  '20230124103000_add_items_serial_number',    timestamptz '2023-01-24 10:30:00+09'),
    (3,  '20230301120000_add_loans_due_at',           timestamptz '2023-03-01 12:00:00+09'),
    (4,  '20230315080000_serial_number_not_null',     timestamptz '2023-03-15 08:00:00+09'),
    (5,  '20230316080000_serial_number_not_null_fix', timestamptz '2023-03-16 08:00:00+09'),
    (6,  '20230620150000_transactions',               timestamptz '2023-06-20 15:00:00+09'),
    (7,  '20231002093000_item_metadata_jsonb',        timestamptz '2023-10-02 09:30:00+09'),
    (8,  '20240111110000_employee_photo',             timestamptz '2024-01-11 11:00:00+09'),
    (9,  '20240405170000_item_reservations',          timestamptz '2024-04-05 17:00:00+09'),
    (10, '20240607090000_inventory_order_items',      timestamptz '2024-06-07 09:00:00+09')
) AS m(n, name, ts);

INSERT INTO employees (id, "employeeCode", name, "nameRomaji", email, department, "isActive",
                       "hiredOn", notes, photo, "createdAt", "updatedAt")
SELECT i,
       'E' || lpad(i::text, 6, '0'),
       CASE WHEN jp THEN v.jl[a] || ' ' || v.jf[b] ELSE v.ef[b] || ' ' || v.el[a] END,
       CASE WHEN jp THEN v.jfr[b] || ' ' || v.jlr[a] END,
       lower(CASE WHEN jp THEN v.jfr[b] || '.' || v.jlr[a]
                  ELSE v.ef[b] || '.' || translate(v.el[a], 'üáéčłö'' ', 'uaecl') END)
           || i || '@example.co.jp',
       v.dept[1 + (i * 7) % cardinality(v.dept)],
       r > 0.08,
       date '2005-04-01' + floor(r2 * 7000)::int,
       CASE WHEN r < 0.5 THEN NULL WHEN r < 0.55 THEN '' ELSE p.s END,
       CASE WHEN i = 1 THEN -- one large, incompressible, TOASTed value
                (SELECT string_agg(sha512(int4send(g)), ''::bytea) FROM generate_series(1, 3000) g)
            WHEN r2 < 0.3 THEN '\x89504e470d0a1a0a0000000d'::bytea || sha256(int4send(i)) || sha512(int4send(-i))
       END,
       timestamp '2023-01-10 09:15:00' + i * interval '37 seconds',
       timestamp '2024-01-01' + r2 * interval '600 days'
FROM (SELECT i, i % 3 <> 0 AS jp, random() AS r, random() AS r2,
             1 + floor(random() * 20)::int AS a, 1 + floor(random() * 20)::int AS b,
             1 + floor(random() * 4000)::int AS pid
      FROM generate_series(1, :n_employees) i) x
CROSS JOIN vocab v
JOIN pool p ON p.id = x.pid;

INSERT INTO items (id, "assetTag", name, category, "serialNumber", status, description,
                   "purchasePrice", "purchasedAt", metadata, "createdAt", "updatedAt")
SELECT i,
       'IT-' || lpad(i::text, 7, '0'),
       v.brand[b] || ' ' || v.cat[c] || ' ' || upper(substr(md5(i::text), 1, 2)) || (100 + i % 900),
       v.cat[c],
       CASE WHEN r < 0.05 THEN NULL ELSE upper(substr(md5('sn' || i), 1, 4 + floor(r2 * 12)::int)) END,
       (ARRAY['AVAILABLE','AVAILABLE','ON_LOAN','ON_LOAN','ON_LOAN','MAINTENANCE','RETIRED']::"ItemStatus"[])[1 + i % 7],
       CASE WHEN r < 0.1 THEN NULL ELSE p1.s || E'\n' || p2.s END,
       round((5000 + r2 * 300000)::numeric, 2),
       date '2018-01-01' + floor(r * 2500)::int,
       jsonb_build_object(
           'color', (ARRAY['black','silver','white','赤','青'])[1 + i % 5],
           'warrantyMonths', 12 * (1 + i % 3),
           'tags', jsonb_build_array(v.w[1 + i % cardinality(v.w)], v.w[1 + (i * 13) % cardinality(v.w)]),
           'location', jsonb_build_object('building', 'HQ-' || (1 + i % 4), 'floor', i % 12, 'shelf', p2.s),
           'lastAudit', CASE WHEN r < 0.3 THEN NULL ELSE to_jsonb(timestamp '2024-01-01' + r2 * interval '300 days') END),
       timestamp '2023-01-10 09:15:00' + i * interval '11 seconds',
       timestamp '2024-01-01' + r * interval '600 days'
FROM (SELECT i, random() AS r, random() AS r2,
             1 + floor(random() * 20)::int AS b, 1 + floor(random() * 12)::int AS c,
             1 + floor(random() * 4000)::int AS pid1, 1 + floor(random() * 4000)::int AS pid2
      FROM generate_series(1, :n_items) i) x
CROSS JOIN vocab v
JOIN pool p1 ON p1.id = x.pid1
JOIN pool p2 ON p2.id = x.pid2;

-- loan i belongs to a fixed (hash-derived) item and employee, so transactions can find them
INSERT INTO loans (id, "itemId", "employeeId", status, "loanedAt", "dueAt", "returnedAt", note,
                   "createdAt", "updatedAt")
SELECT i,
       1 + abs(hashint4(i)::bigint) % :n_items,
       1 + abs(hashint4(i + 7777777)::bigint) % :n_employees,
       CASE WHEN ret IS NOT NULL THEN 'RETURNED'::"LoanStatus"
            WHEN r < 0.95 THEN 'ACTIVE' WHEN r < 0.99 THEN 'OVERDUE' ELSE 'LOST' END,
       loaned,
       CASE WHEN r2 < 0.01 THEN 'infinity'::timestamp WHEN r2 < 0.05 THEN NULL
            ELSE loaned + (7 + floor(r2 * 60)::int) * interval '1 day' END,
       ret,
       CASE WHEN r2 < 0.6 THEN NULL ELSE p.s END,
       loaned,
       coalesce(ret, loaned) + interval '1 minute'
FROM (SELECT i, r, r2, loaned,
             CASE WHEN r < 0.85 THEN loaned + (r2 * 40 + 0.5) * interval '1 day' END AS ret,
             pid
      FROM (SELECT i, random() AS r, random() AS r2,
                   timestamp '2021-01-01' + random() * interval '1400 days' AS loaned,
                   1 + floor(random() * 4000)::int AS pid
            FROM generate_series(1, :n_loans) i) y) x
JOIN pool p ON p.id = x.pid;

INSERT INTO transactions (id, "loanId", "itemId", "employeeId", kind, "occurredAt", amount, memo,
                          payload, signature, "createdAt")
SELECT i,
       loan,
       CASE WHEN loan IS NULL THEN 1 + floor(r * :n_items)::int
            ELSE 1 + abs(hashint4(loan)::bigint) % :n_items END,
       CASE WHEN loan IS NULL THEN NULL
            ELSE 1 + abs(hashint4(loan + 7777777)::bigint) % :n_employees END,
       kind,
       occurred,
       CASE WHEN kind = 'REPAIR' THEN round((1000 + r2 * 90000)::numeric, 2)
            WHEN r < 0.02 THEN -round((r2 * 5000)::numeric, 2) END,
       CASE WHEN r2 < 0.35 THEN NULL WHEN r2 < 0.37 THEN '' ELSE p.s || ' (#' || i || ')' END,
       jsonb_build_object(
           'source', (ARRAY['web','kiosk','mobile','api','batch'])[1 + i % 5],
           'requestId', substr(md5(i::text), 1, 16),
           'client', jsonb_build_object('ip', '127.0.' || (i % 200) || '.' || (1 + i % 250),
                                        'ua', (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
                                                     'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)',
                                                     'kiosk/2.3.1', 'curl/8.5.0'])[1 + i % 4]),
           'durationMs', floor(r * 900)::int,
           'comment', CASE WHEN r < 0.1 THEN p.s END),
       CASE WHEN r2 < 0.7 THEN sha256(int8send(i)) END,
       occurred + interval '15 milliseconds'
FROM (SELECT i, random() AS r, random() AS r2,
             CASE WHEN i % 10 IN (3, 7) THEN NULL ELSE 1 + (i - 1) % :n_loans END AS loan,
             (ARRAY['CHECKOUT','RETURN','CHECKOUT','RETURN','EXTEND','CHECKOUT','RETURN','REPAIR',
                    'RETURN','AUDIT']::"TransactionKind"[])[1 + i % 10] AS kind,
             timestamp '2021-01-01' + random() * interval '1400 days' AS occurred,
             1 + floor(random() * 4000)::int AS pid
      FROM generate_series(1, :n_transactions) i) x
JOIN pool p ON p.id = x.pid;

INSERT INTO inventory."Order Items" ("Order ID", "Line No", "Item ID", "Quantity", "Unit Price", "Remarks")
SELECT 900000 + (i - 1) / 3,
       1 + (i - 1) % 3,
       1 + floor(random() * :n_items)::int,
       1 + floor(random() * 5)::int,
       round((100 + random() * 50000)::numeric, 2),
       CASE WHEN i % 4 = 0 THEN NULL ELSE p.s END
FROM (SELECT i, 1 + floor(random() * 4000)::int AS pid FROM generate_series(1, :n_order_items) i) x
JOIN pool p ON p.id = x.pid;

-- ------------------------------------------------------------------------------------------
-- constraints, indexes, sequences, view, function (after the load: faster)
-- ------------------------------------------------------------------------------------------
ALTER TABLE employees ADD CONSTRAINT employees_pkey PRIMARY KEY (id);
ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY (id);
ALTER TABLE loans ADD CONSTRAINT loans_pkey PRIMARY KEY (id);
ALTER TABLE transactions ADD CONSTRAINT transactions_pkey PRIMARY KEY (id);
ALTER TABLE inventory."Order Items" ADD CONSTRAINT "Order Items_pkey" PRIMARY KEY ("Order ID", "Line No");

CREATE UNIQUE INDEX "employees_employeeCode_key" ON employees ("employeeCode");
CREATE UNIQUE INDEX employees_email_key ON employees (email);
CREATE UNIQUE INDEX "items_assetTag_key" ON items ("assetTag");
CREATE INDEX "loans_itemId_idx" ON loans ("itemId");
CREATE INDEX "loans_open_idx" ON loans ("employeeId") WHERE "returnedAt" IS NULL;
CREATE INDEX "transactions_occurredAt_idx" ON transactions ("occurredAt");
CREATE INDEX items_metadata_idx ON items USING gin (metadata);

ALTER TABLE loans ADD CONSTRAINT "loans_itemId_fkey" FOREIGN KEY ("itemId")
    REFERENCES items (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE loans ADD CONSTRAINT "loans_employeeId_fkey" FOREIGN KEY ("employeeId")
    REFERENCES employees (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE transactions ADD CONSTRAINT "transactions_loanId_fkey" FOREIGN KEY ("loanId")
    REFERENCES loans (id) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE transactions ADD CONSTRAINT "transactions_itemId_fkey" FOREIGN KEY ("itemId")
    REFERENCES items (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE item_reservations ADD CONSTRAINT "item_reservations_itemId_fkey" FOREIGN KEY ("itemId")
    REFERENCES items (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE item_reservations ADD CONSTRAINT "item_reservations_employeeId_fkey" FOREIGN KEY ("employeeId")
    REFERENCES employees (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE inventory."Order Items" ADD CONSTRAINT "Order Items_Item ID_fkey" FOREIGN KEY ("Item ID")
    REFERENCES items (id);

SELECT setval(pg_get_serial_sequence('employees', 'id'), :n_employees),
       setval(pg_get_serial_sequence('items', 'id'), :n_items),
       setval(pg_get_serial_sequence('loans', 'id'), :n_loans),
       setval(pg_get_serial_sequence('transactions', 'id'), :n_transactions)
\gset seq_

CREATE VIEW active_loans AS
SELECT l.id, l."loanNumber", i."assetTag", i.name AS "itemName", e.name AS "employeeName",
       l."loanedAt", l."dueAt"
FROM loans l
JOIN items i ON i.id = l."itemId"
JOIN employees e ON e.id = l."employeeId"
WHERE l."returnedAt" IS NULL;

CREATE FUNCTION item_label(tag text, name text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
    -- body with a lone \. line and a semicolon inside the dollar quotes
    SELECT tag || E' \\ ' || name || E'\n\\.\n' || ';'
$fn$;

COMMIT;

ANALYZE;

\unset QUIET
SELECT 'employees' AS "table", count(*) AS "rows" FROM employees
UNION ALL SELECT 'items', count(*) FROM items
UNION ALL SELECT 'loans', count(*) FROM loans
UNION ALL SELECT 'transactions', count(*) FROM transactions
UNION ALL SELECT 'inventory."Order Items"', count(*) FROM inventory."Order Items"
UNION ALL SELECT 'item_reservations', count(*) FROM item_reservations
UNION ALL SELECT '_prisma_migrations', count(*) FROM _prisma_migrations
UNION ALL SELECT 'database size (MB)', pg_database_size(current_database()) / (1024 * 1024);
