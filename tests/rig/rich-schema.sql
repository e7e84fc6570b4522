-- BackupPs test rig: a small database that uses every kind of object a restore must bring back.
--
--   docker exec -i <container> psql -X -q -U app -d <db> -v ON_ERROR_STOP=1 < tests/rig/rich-schema.sql
--
-- Restore round-trip tests load this into a database, back it up, restore it elsewhere and
-- compare DatabaseFingerprint.Take() of both (tests/BackupPs.Tests/Infrastructure/
-- DatabaseFingerprint.cs; LoadRichSchema() there runs this script). seed-database.sql is about
-- volume and dump-parser edge cases. This script is about breadth:
--
--   * types: enums (one with a value added later, so enumsortorder is not 1,2,3), a domain
--     with a CHECK, a composite type used as a column type;
--   * sequences: a standalone one moved with setval (is_called true), one set with is_called
--     false, a cycling descending one that has wrapped, serial and identity columns (ALWAYS,
--     and BY DEFAULT with custom start/increment);
--   * tables with FKs, unique/check constraints, a stored generated column, jsonb, bytea,
--     numeric (incl. NaN), float8, arrays with NULL elements, a composite column, text with
--     tabs/CR/LF/backslashes/"\."/"\N"/unicode, '' next to NULL, 'infinity' timestamps;
--   * a RANGE-partitioned table (3 quarters + DEFAULT, rows in each) and a LIST-partitioned
--     one; an UNLOGGED table; an empty table;
--   * views (one security_barrier), a populated materialized view with a unique index, SQL
--     functions (classic and SQL-standard body), a plpgsql function, a procedure, a trigger
--     and its trigger function (it kept accounts and audit_log up to date while seeding; after
--     seeding the data is fixed and pg_restore loads data before creating triggers);
--   * large objects 910001..910003 (text, 20 kB binary, empty) created with fixed OIDs, a
--     comment on one, and rich.documents referencing them by oid;
--   * schema "Sales Data" with tables "Orders" and "Order Lines" (columns "Line Note",
--     "productCode", "unitPrice", "Line Total", ...);
--   * comments on schemas, tables, columns, a function and a large object;
--   * btree, unique, partial, expression and GIN (jsonb) indexes;
--   * roles: bps_reader (NOLOGIN) gets SELECT on rich.customers; rich.loyalty_tiers is owned
--     by bps_owner (NOLOGIN). Both roles are created when missing (roles are cluster-wide), so
--     restoring onto a server that lacks them exercises missing-role behaviour;
--   * public._prisma_migrations exactly as Prisma creates it, with 3 applied migrations.
--
-- Deterministic: no random(), no now() in data, fixed timestamps, generate_series arithmetic.
-- Works on PostgreSQL 15 and 17. About 5,000 rows; loads in well under a second.
-- Load it with autocommit (no --single-transaction): an enum value added by ALTER TYPE ... ADD VALUE
-- is used later in the script, which PostgreSQL allows only after the ALTER has committed.
-- Checked on 15.18 and 17.11: pg_dump -Fc | pg_restore and pg_dump -Fp | psql into a new database
-- give identical fingerprints. (A plain dump wraps the large-object data in its own BEGIN/COMMIT,
-- so `psql --single-transaction` commits early there: it warns, and is not atomic for this database.)
-- Re-running drops and recreates what it owns (schemas rich and "Sales Data",
-- public._prisma_migrations, large objects 910001..910003). It replaces seed-database.sql's
-- _prisma_migrations if both are loaded into one database, so use separate databases.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
-- setval(), lo_from_bytea() and friends return values; keep psql quiet about them.
\o /dev/null

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bps_reader') THEN
        BEGIN
            CREATE ROLE bps_reader NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- created concurrently
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bps_owner') THEN
        BEGIN
            CREATE ROLE bps_owner NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
END $$;

DROP SCHEMA IF EXISTS rich CASCADE;
DROP SCHEMA IF EXISTS "Sales Data" CASCADE;
DROP TABLE IF EXISTS public._prisma_migrations;
DO $$
BEGIN
    PERFORM lo_unlink(oid) FROM pg_largeobject_metadata WHERE oid BETWEEN 910001 AND 910003;
END $$;

-- --------------------------------------------------------------------------------------------
-- Prisma's bookkeeping table, exactly as `prisma migrate` creates it
-- --------------------------------------------------------------------------------------------
CREATE TABLE public._prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);

INSERT INTO public._prisma_migrations
    (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
VALUES
    ('0b6f3f52-6d1e-4c59-9a43-1f2a7e9c0d01', encode(sha256(convert_to('20240105093000_init', 'UTF8')), 'hex'),
     '2024-01-05 09:30:01.482+00', '20240105093000_init', NULL, NULL, '2024-01-05 09:30:00.917+00', 1),
    ('5c2d8a17-93b4-4e0f-8d6a-2b7c4e1f9a02', encode(sha256(convert_to('20240301120000_add_loans', 'UTF8')), 'hex'),
     '2024-03-01 12:00:02.031+00', '20240301120000_add_loans', NULL, NULL, '2024-03-01 12:00:01.650+00', 1),
    ('e81f4b90-27ac-4d3e-b5f6-7a9c0d2e4b03', encode(sha256(convert_to('20240610080000_add_indexes', 'UTF8')), 'hex'),
     '2024-06-10 08:00:00.774+00', '20240610080000_add_indexes', NULL, NULL, '2024-06-10 08:00:00.402+00', 1);

-- --------------------------------------------------------------------------------------------
-- schema rich: types, sequences, functions
-- --------------------------------------------------------------------------------------------
CREATE SCHEMA rich;
COMMENT ON SCHEMA rich IS 'BackupPs rich-schema fixture: every object kind a restore must bring back';

CREATE TYPE rich.mood AS ENUM ('sad', 'ok', 'happy');
ALTER TYPE rich.mood ADD VALUE 'meh' BEFORE 'ok';          -- enumsortorder 1.5: label order matters
CREATE TYPE rich.loan_state AS ENUM ('requested', 'active', 'returned', 'lost');
CREATE DOMAIN rich.email AS text
    CONSTRAINT email_shape CHECK (VALUE ~ '^[^@[:space:]]+@[^@[:space:]]+\.[a-z]+$');
CREATE DOMAIN rich.percent AS numeric(5,2) DEFAULT 0
    CONSTRAINT percent_range CHECK (VALUE BETWEEN 0 AND 100);
CREATE TYPE rich.address AS (street text, city text, postcode varchar(10), country char(2));

CREATE SEQUENCE rich.invoice_number_seq START WITH 5000 INCREMENT BY 7 CACHE 1;
CREATE SEQUENCE rich.spare_seq;
CREATE SEQUENCE rich.countdown_seq AS smallint INCREMENT BY -1 MINVALUE 1 MAXVALUE 10 START WITH 10 CYCLE;

-- SQL-standard body (parsed at creation, dependencies tracked) and a classic one.
CREATE FUNCTION rich.full_label(code text, name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    RETURN code || ': ' || name;
CREATE FUNCTION rich.initials(name text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT string_agg(left(w, 1), '' ORDER BY n) FROM regexp_split_to_table($1, '\s+') WITH ORDINALITY AS p(w, n) $$;
COMMENT ON FUNCTION rich.full_label(text, text) IS 'Display label: "CODE: Name"';

-- --------------------------------------------------------------------------------------------
-- core tables
-- --------------------------------------------------------------------------------------------
CREATE TABLE rich.customers (
    id            serial PRIMARY KEY,
    code          text NOT NULL,
    name          text NOT NULL,
    email         rich.email NOT NULL,
    mood          rich.mood,
    address       rich.address,
    tags          text[],
    scores        integer[],
    profile       jsonb NOT NULL DEFAULT '{}',
    avatar        bytea,
    credit_limit  numeric(12,2) NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
    discount      rich.percent,
    ratio         double precision,
    created_at    timestamptz NOT NULL,
    birthday      date,
    active        boolean NOT NULL DEFAULT true,
    CONSTRAINT customers_code_key UNIQUE (code)
);
COMMENT ON TABLE rich.customers IS 'People who borrow things';
COMMENT ON COLUMN rich.customers.profile IS 'Free-form preferences (jsonb)';

CREATE INDEX customers_name_idx ON rich.customers (name, id DESC);                 -- btree
CREATE UNIQUE INDEX customers_lower_email_idx ON rich.customers (lower(email::text)); -- expression
CREATE INDEX customers_active_created_idx ON rich.customers (created_at) WHERE active; -- partial
CREATE INDEX customers_profile_gin ON rich.customers USING gin (profile jsonb_path_ops);
CREATE INDEX customers_tags_gin ON rich.customers USING gin (tags);

INSERT INTO rich.customers (code, name, email, mood, address, tags, scores, profile, avatar,
                            credit_limit, discount, ratio, created_at, birthday, active)
SELECT format('C%04s', i),
       (ARRAY['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov',
              '山田 太郎', 'Zoë Ångström', 'O''Brien, Seán'])[1 + i % 8] || ' ' || i,
       format('user%s@example.%s', i, (ARRAY['com', 'org', 'jp'])[1 + i % 3]),
       CASE WHEN i % 9 = 0 THEN NULL ELSE (ARRAY['sad', 'meh', 'ok', 'happy'])[1 + i % 4]::rich.mood END,
       CASE WHEN i % 7 = 0 THEN NULL
            ELSE ROW(i || ' Main St, "Apt" ' || (i % 5), (ARRAY['Tokyo', 'Zürich', 'São Paulo', 'Oslo'])[1 + i % 4],
                     lpad((i * 37 % 100000)::text, 5, '0'), (ARRAY['JP', 'CH', 'BR', 'NO'])[1 + i % 4])::rich.address END,
       CASE WHEN i % 6 = 0 THEN NULL
            WHEN i % 6 = 1 THEN '{}'::text[]
            ELSE ARRAY['tag' || (i % 10), NULL, 'with space', 'quote"d', 'comma,' || i] END,
       ARRAY[i, i * 2, i % 13],
       jsonb_build_object('lang', (ARRAY['en', 'ja', 'de'])[1 + i % 3], 'newsletter', i % 2 = 0,
                          'limits', jsonb_build_array(i, i * 1.5, NULL), 'note', E'tab\there\nnewline "q" \\ ✓'),
       CASE WHEN i % 5 = 0 THEN NULL ELSE decode(md5(i::text) || '00ff00', 'hex') END,
       (i * 12.5)::numeric(12,2),
       (i % 40)::numeric(5,2),
       CASE WHEN i % 11 = 0 THEN NULL ELSE i / 7.0::double precision END,
       timestamptz '2023-01-01 08:00:00+00' + i * interval '17 hours 3 minutes 1.25 seconds',
       CASE WHEN i % 4 = 0 THEN NULL ELSE date '1950-01-01' + i * 53 END,
       i % 10 <> 0
FROM generate_series(1, 200) AS i
ORDER BY i;

CREATE TABLE rich.accounts (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  integer NOT NULL REFERENCES rich.customers (id) ON DELETE CASCADE,
    currency     char(3) NOT NULL DEFAULT 'EUR',
    balance      numeric(14,2) NOT NULL DEFAULT 0,
    entry_count  integer NOT NULL DEFAULT 0,
    updated_at   timestamptz,
    CONSTRAINT accounts_customer_currency_key UNIQUE (customer_id, currency)
);

INSERT INTO rich.accounts (customer_id, currency)
SELECT c, cur
FROM generate_series(1, 200) AS c, unnest(ARRAY['EUR', 'JPY']) WITH ORDINALITY AS u(cur, n)
WHERE cur = 'EUR' OR c % 3 = 0
ORDER BY c, n;

CREATE TABLE rich.ledger (
    id          bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 1000 INCREMENT BY 10) PRIMARY KEY,
    account_id  integer NOT NULL REFERENCES rich.accounts (id),
    amount      numeric(12,2) NOT NULL CHECK (amount <> 0),
    booked_at   timestamptz NOT NULL,
    memo        text
);
CREATE INDEX ledger_account_booked_idx ON rich.ledger (account_id, booked_at);

CREATE TABLE rich.audit_log (
    id          bigserial PRIMARY KEY,
    table_name  text NOT NULL,
    operation   text NOT NULL,
    row_key     bigint NOT NULL,
    detail      jsonb NOT NULL,
    logged_at   timestamptz NOT NULL
);

CREATE FUNCTION rich.ledger_apply() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE rich.accounts
       SET balance = balance + NEW.amount,
           entry_count = entry_count + 1,
           updated_at = NEW.booked_at
     WHERE id = NEW.account_id;
    INSERT INTO rich.audit_log (table_name, operation, row_key, detail, logged_at)
    VALUES (TG_TABLE_NAME, TG_OP, NEW.id,
            jsonb_build_object('account', NEW.account_id, 'amount', NEW.amount, 'memo', NEW.memo),
            NEW.booked_at);
    RETURN NEW;
END
$$;
CREATE TRIGGER ledger_apply AFTER INSERT ON rich.ledger
    FOR EACH ROW EXECUTE FUNCTION rich.ledger_apply();

CREATE PROCEDURE rich.post_entry(p_account integer, p_amount numeric, p_at timestamptz, p_memo text DEFAULT NULL)
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF p_amount = 0 THEN
        RAISE EXCEPTION 'zero amount for account %', p_account;
    END IF;
    INSERT INTO rich.ledger (account_id, amount, booked_at, memo) VALUES (p_account, p_amount, p_at, p_memo);
END
$$;

CREATE FUNCTION rich.customer_balance(p_customer integer, p_currency text DEFAULT 'EUR') RETURNS numeric
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    total numeric;
BEGIN
    SELECT coalesce(sum(balance), 0) INTO total
      FROM rich.accounts
     WHERE customer_id = p_customer AND currency = p_currency;
    RETURN total;
END
$$;

INSERT INTO rich.ledger (account_id, amount, booked_at, memo)
SELECT 1 + (i * 7) % 266,
       CASE WHEN i % 3 = 0 THEN -(i % 97 + 1) * 1.25 ELSE (i % 89 + 1) * 3.10 END,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '3 hours 7 minutes',
       CASE WHEN i % 4 = 0 THEN NULL ELSE 'entry ' || i || E'\t' || (ARRAY['rent', 'café', 'ﾊﾟﾝ', E'multi\nline'])[1 + i % 4] END
FROM generate_series(1, 600) AS i
ORDER BY i;

CALL rich.post_entry(1, 100.00, '2024-12-31 23:59:59.999+00', 'year-end bonus');
CALL rich.post_entry(2, -0.01, '2025-01-01 00:00:00+09', E'rounding \\ fix');
CALL rich.post_entry(3, 42, '2025-02-28 12:00:00-05');

-- --------------------------------------------------------------------------------------------
-- text, numbers and binary that break naive parsers
-- --------------------------------------------------------------------------------------------
CREATE TABLE rich.odd_values (
    id        integer PRIMARY KEY,
    label     text NOT NULL,
    body      text,
    short     varchar(20),
    fixed     char(6),
    amount    numeric,
    real_val  double precision,
    happened  timestamp(3),
    raw       bytea,
    doc       jsonb,
    matrix    integer[][]
);

INSERT INTO rich.odd_values (id, label, body, short, fixed, amount, real_val, happened, raw, doc, matrix) VALUES
    (1,  'tab',                E'a\tb\t',                     E'\t',        'ab',   0,                        0.1,        '2024-02-29 12:34:56.789', '\x00', '{"a": 1}', '{{1,2},{3,4}}'),
    (2,  'newline',            E'line1\nline2\n',             E'\n',        NULL,   -0.0001,                  '-0'::float8, 'infinity',              '\x', '[]', NULL),
    (3,  'crlf',               E'line1\r\nline2\r\n',         E'\r',        'x',    'NaN',                    'Infinity', '-infinity',               '\x0d0a', '"str"', '{}'),
    (4,  'backslash',          E'C:\\Users\\app\\',           E'\\',        'y',    123456789012345678901234567890.123456789, 1e-300, '1999-12-31 23:59:59.999', '\x5c5c', 'null', '{{NULL,1},{2,NULL}}'),
    (5,  'copy end marker',    E'\\.',                        E'\\.',       'z',    1,                        'NaN',      '2000-01-01',              '\x5c2e', '{"k": "\\."}', NULL),
    (6,  'text backslash N',   E'\\N',                        E'\\N',       NULL,   2,                        '-Infinity', NULL,                     NULL, '{"k": null}', NULL),
    (7,  'empty string',       '',                            '',           '',     3,                        1.5,        NULL,                      '\x', '""', NULL),
    (8,  'null',               NULL,                          NULL,         NULL,   NULL,                     NULL,       NULL,                      NULL, NULL, NULL),
    (9,  'unicode',            '日本語テキスト ✓ Zoë 🎉 עברית', 'ß→ẞ',       'é',    4,                        3.14159265358979, '2024-06-01',        convert_to('日本', 'UTF8'), '{"名前": "太郎", "emoji": "🎉"}', NULL),
    (10, 'quotes and sql',     $q$it's "quoted"; DROP TABLE x; -- /* */$q$, $q$'";$q$, 'q''', 5, 2.5, NULL,                            NULL, '{"sql": "DROP TABLE x;"}', NULL),
    (11, 'marker mid-text',    E'first\n\\.\nlast',           NULL,         NULL,   6,                        NULL,       NULL,                      NULL, NULL, NULL),
    (12, 'control chars',      E'bell\x07 esc\x1b del\x7f',   E'\x01',      NULL,   7,                        NULL,       NULL,                      '\xdeadbeef', NULL, NULL),
    (13, 'trailing spaces',    'spaces   ',                   '  ',         'ab  ', 8,                        NULL,       NULL,                      NULL, NULL, NULL);

INSERT INTO rich.odd_values (id, label, body, short, fixed, amount, real_val, happened, raw, doc, matrix)
SELECT 100 + i,
       'generated ' || i,
       repeat(E'row\t' || i || E'\\', 1 + i % 5) || CASE WHEN i % 2 = 0 THEN E'\n' ELSE '' END,
       left(md5(i::text), 20),
       lpad(i::text, 6, '0'),
       (i * 1000.0001)::numeric,
       i * 0.333,
       timestamp '2024-01-01 00:00:00' + i * interval '1 minute 0.001 second',
       decode(repeat(lpad(to_hex(i % 256), 2, '0'), 1 + i % 40), 'hex'),
       jsonb_build_object('i', i, 'even', i % 2 = 0),
       ARRAY[ARRAY[i, i + 1], ARRAY[i + 2, i + 3]]
FROM generate_series(1, 300) AS i
ORDER BY i;

-- a TOASTed, poorly compressible value (~60 kB)
INSERT INTO rich.odd_values (id, label, body, raw)
SELECT 1000, 'toasted', string_agg(md5(i::text), '' ORDER BY i), decode(string_agg(md5((-i)::text), '' ORDER BY i), 'hex')
FROM generate_series(1, 2000) AS i;

-- --------------------------------------------------------------------------------------------
-- partitioned tables
-- --------------------------------------------------------------------------------------------
CREATE TABLE rich.events (
    id           bigint NOT NULL,
    happened_on  date NOT NULL,
    kind         rich.loan_state NOT NULL,
    customer_id  integer REFERENCES rich.customers (id),
    payload      jsonb,
    PRIMARY KEY (id, happened_on)
) PARTITION BY RANGE (happened_on);
CREATE TABLE rich.events_2024_q1 PARTITION OF rich.events FOR VALUES FROM ('2024-01-01') TO ('2024-04-01');
CREATE TABLE rich.events_2024_q2 PARTITION OF rich.events FOR VALUES FROM ('2024-04-01') TO ('2024-07-01');
CREATE TABLE rich.events_2024_q3 PARTITION OF rich.events FOR VALUES FROM ('2024-07-01') TO ('2024-10-01');
CREATE TABLE rich.events_default PARTITION OF rich.events DEFAULT;
CREATE INDEX events_kind_idx ON rich.events (kind);
COMMENT ON TABLE rich.events IS 'Range-partitioned by quarter; everything else lands in events_default';

INSERT INTO rich.events (id, happened_on, kind, customer_id, payload)
SELECT i,
       date '2023-11-01' + (i * 3) % 420,          -- 2023-11-01 .. 2024-12-24: default, q1, q2, q3, default
       (ARRAY['requested', 'active', 'returned', 'lost'])[1 + i % 4]::rich.loan_state,
       CASE WHEN i % 17 = 0 THEN NULL ELSE 1 + i % 200 END,
       CASE WHEN i % 5 = 0 THEN NULL ELSE jsonb_build_object('seq', i, 'tags', jsonb_build_array('a', i % 3)) END
FROM generate_series(1, 1200) AS i
ORDER BY i;

CREATE TABLE rich.regional_sales (
    region   text NOT NULL,
    sale_id  integer NOT NULL,
    amount   numeric(10,2),
    sold_at  timestamp(3) NOT NULL,
    PRIMARY KEY (region, sale_id)
) PARTITION BY LIST (region);
CREATE TABLE rich.regional_sales_north PARTITION OF rich.regional_sales FOR VALUES IN ('north', 'north-east');
CREATE TABLE rich.regional_sales_south PARTITION OF rich.regional_sales FOR VALUES IN ('south');
CREATE TABLE rich.regional_sales_west  PARTITION OF rich.regional_sales FOR VALUES IN ('west', 'far west');

INSERT INTO rich.regional_sales (region, sale_id, amount, sold_at)
SELECT (ARRAY['north', 'north-east', 'south', 'west', 'far west'])[1 + i % 5],
       i,
       CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7 % 1000) + 0.99 END,
       timestamp '2024-03-01 09:00:00' + i * interval '41 minutes 0.5 seconds'
FROM generate_series(1, 500) AS i
ORDER BY i;

-- --------------------------------------------------------------------------------------------
-- large objects (fixed OIDs) and a table that references them
-- --------------------------------------------------------------------------------------------
SELECT lo_from_bytea(910001, convert_to(E'Hello, large object!\nLine two: 日本語 ✓\n', 'UTF8'));
SELECT lo_from_bytea(910002, decode(repeat('00ff7f80deadbeef', 2500), 'hex'));   -- 20,000 bytes, spans pages
SELECT lo_from_bytea(910003, ''::bytea);                                          -- empty
COMMENT ON LARGE OBJECT 910001 IS 'greeting';

CREATE TABLE rich.documents (
    id        integer PRIMARY KEY,
    title     text NOT NULL,
    mime      text NOT NULL,
    content   oid NOT NULL,
    byte_len  integer NOT NULL
);
INSERT INTO rich.documents (id, title, mime, content, byte_len)
SELECT id, title, mime, content, octet_length(lo_get(content))
FROM (VALUES (1, 'greeting.txt', 'text/plain; charset=utf-8', 910001::oid),
             (2, 'pattern.bin',  'application/octet-stream',  910002::oid),
             (3, 'empty.bin',    'application/octet-stream',  910003::oid)) AS d(id, title, mime, content)
ORDER BY id;

-- --------------------------------------------------------------------------------------------
-- names that need quoting
-- --------------------------------------------------------------------------------------------
CREATE SCHEMA "Sales Data";
COMMENT ON SCHEMA "Sales Data" IS 'A schema whose name needs quoting';

CREATE TABLE "Sales Data"."Orders" (
    "orderId"     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id   integer NOT NULL REFERENCES rich.customers (id),
    "Ordered At"  timestamptz NOT NULL,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'shipped', 'cancelled')),
    invoice_no    bigint UNIQUE
);
CREATE INDEX "Orders open by date" ON "Sales Data"."Orders" ("Ordered At") WHERE status = 'open';

CREATE TABLE "Sales Data"."Order Lines" (
    id                serial PRIMARY KEY,
    "orderId"         integer NOT NULL REFERENCES "Sales Data"."Orders" ("orderId") ON DELETE CASCADE,
    "Line No"         smallint NOT NULL,
    "productCode"     varchar(20) NOT NULL,
    quantity          integer NOT NULL CHECK (quantity > 0),
    "unitPrice"       numeric(10,2) NOT NULL CHECK ("unitPrice" >= 0),
    "Line Total"      numeric(14,2) GENERATED ALWAYS AS (quantity * "unitPrice") STORED,
    "Line Note"       text,
    CONSTRAINT "Order Lines unique line" UNIQUE ("orderId", "Line No")
);
COMMENT ON TABLE "Sales Data"."Order Lines" IS 'Lines of an order. Names with spaces and mixed case.';
COMMENT ON COLUMN "Sales Data"."Order Lines"."Line Note" IS E'Free text: may hold tabs,\nnewlines and "quotes"';
CREATE INDEX "Order Lines by product" ON "Sales Data"."Order Lines" (upper("productCode"));

INSERT INTO "Sales Data"."Orders" (customer_id, "Ordered At", status, invoice_no)
SELECT 1 + (i * 13) % 200,
       timestamptz '2024-01-02 10:00:00+01' + i * interval '5 hours 11 minutes',
       (ARRAY['open', 'shipped', 'shipped', 'cancelled'])[1 + i % 4],
       CASE WHEN i % 4 = 1 OR i % 4 = 2 THEN nextval('rich.invoice_number_seq') END
FROM generate_series(1, 400) AS i
ORDER BY i;

INSERT INTO "Sales Data"."Order Lines" ("orderId", "Line No", "productCode", quantity, "unitPrice", "Line Note")
SELECT o, l,
       'P-' || lpad(((o * 31 + l * 7) % 500)::text, 4, '0'),
       1 + (o + l) % 9,
       ((o * l) % 250) + 0.95,
       CASE (o + l) % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN E'gift wrap\tplease\nthanks'
                        WHEN 3 THEN E'path C:\\tmp\\' ELSE 'Notiz: Größe ✓ ' || o END
FROM generate_series(1, 400) AS o, generate_series(1, 1 + o % 4) AS l
ORDER BY o, l;

-- --------------------------------------------------------------------------------------------
-- roles: a grant to bps_reader and a table owned by bps_owner
-- --------------------------------------------------------------------------------------------
GRANT SELECT ON rich.customers TO bps_reader;

CREATE TABLE rich.loyalty_tiers (
    tier        text PRIMARY KEY,
    min_points  integer NOT NULL UNIQUE,
    perks       text[] NOT NULL DEFAULT '{}'
);
INSERT INTO rich.loyalty_tiers VALUES
    ('bronze', 0, '{}'), ('silver', 1000, '{"free shipping"}'), ('gold', 5000, '{"free shipping","priority, support"}');
ALTER TABLE rich.loyalty_tiers OWNER TO bps_owner;

-- --------------------------------------------------------------------------------------------
-- misc: unlogged, empty
-- --------------------------------------------------------------------------------------------
CREATE UNLOGGED TABLE rich.session_cache (
    key         text PRIMARY KEY,
    value       jsonb NOT NULL,
    expires_at  timestamptz NOT NULL
);
INSERT INTO rich.session_cache
SELECT 'sess-' || i, jsonb_build_object('user', i), timestamptz '2030-01-01 00:00:00+00' + i * interval '1 day'
FROM generate_series(1, 25) AS i;

CREATE TABLE rich.reservations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  integer NOT NULL REFERENCES rich.customers (id),
    state        rich.loan_state NOT NULL DEFAULT 'requested',
    window_from  date NOT NULL,
    window_to    date NOT NULL,
    CHECK (window_to >= window_from)
);

-- --------------------------------------------------------------------------------------------
-- views
-- --------------------------------------------------------------------------------------------
CREATE VIEW rich.customer_summary AS
SELECT c.id,
       rich.full_label(c.code, c.name) AS label,
       rich.initials(c.name) AS initials,
       count(a.id) AS accounts,
       coalesce(sum(a.balance), 0) AS balance
  FROM rich.customers c
  LEFT JOIN rich.accounts a ON a.customer_id = c.id
 GROUP BY c.id;
COMMENT ON VIEW rich.customer_summary IS 'One row per customer';

CREATE VIEW "Sales Data"."Open Orders" WITH (security_barrier) AS
SELECT o."orderId", o."Ordered At", count(l.id) AS "Line Count", sum(l."Line Total") AS total
  FROM "Sales Data"."Orders" o
  JOIN "Sales Data"."Order Lines" l USING ("orderId")
 WHERE o.status = 'open'
 GROUP BY o."orderId", o."Ordered At";

CREATE MATERIALIZED VIEW rich.monthly_events AS
SELECT date_trunc('month', happened_on::timestamp)::date AS month, kind, count(*) AS events, count(customer_id) AS with_customer
  FROM rich.events
 GROUP BY 1, 2
WITH DATA;
CREATE UNIQUE INDEX monthly_events_key ON rich.monthly_events (month, kind);

-- --------------------------------------------------------------------------------------------
-- sequences: final, fixed positions
-- --------------------------------------------------------------------------------------------
SELECT setval('rich.invoice_number_seq', 7777, true);
SELECT setval('rich.spare_seq', 42, false);
SELECT nextval('rich.countdown_seq') FROM generate_series(1, 13);                 -- wrapped: 10..1, 10, 9, 8

\o
