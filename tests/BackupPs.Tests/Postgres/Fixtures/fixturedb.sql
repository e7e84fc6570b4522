DROP DATABASE IF EXISTS fixturedb;
CREATE DATABASE fixturedb;
\c fixturedb
CREATE SCHEMA inventory;
CREATE TABLE public.loans (id serial PRIMARY KEY, borrower text, note text, amount numeric(12,2), created timestamptz DEFAULT '2024-01-02 03:04:05+00');
INSERT INTO public.loans (borrower, note, amount)
SELECT 'borrower ' || g,
       CASE g % 7 WHEN 0 THEN E'line1\nline2\nline3' WHEN 1 THEN E'tab\there' WHEN 2 THEN E'back\\slash' WHEN 3 THEN E'\\.' WHEN 4 THEN E'x\n\\.\ny' WHEN 5 THEN '日本語のテキスト' ELSE NULL END,
       g * 1.5
FROM generate_series(1, 400) g;
CREATE TABLE public.tricky (id int, t text, b bytea, j jsonb);
INSERT INTO public.tricky VALUES
 (1, E'multi\nline\r\nvalue', '\x000102ff0a0d5c', '{"a": "x\ny"}'),
 (2, E'\\.', '\x5c2e', NULL),
 (3, E'\\.\n', NULL, '[1,2]'),
 (4, E'\t\t', '\x', '{}'),
 (5, NULL, NULL, NULL),
 (6, '東京都 — 「引用」', decode(repeat('ab', 300), 'hex'), '{"k": "日本"}'),
 (7, '', '\x0a', 'null');
CREATE TABLE public.one_col (v text);
INSERT INTO public.one_col VALUES (E'\\.'), ('\.'), (NULL), (E'\n'), ('');
CREATE TABLE public.empty_table (id int, v text);
CREATE TABLE inventory."Order Items" (id int, "Item Name" text, qty int);
INSERT INTO inventory."Order Items" SELECT g, 'item "' || g || '"', g % 5 FROM generate_series(1, 57) g;
CREATE TABLE public."Quote""Table" (a int);
INSERT INTO public."Quote""Table" VALUES (1), (2);
CREATE TABLE public.measurements (city_id int, logdate date, peaktemp int) PARTITION BY RANGE (logdate);
CREATE TABLE public.measurements_2023 PARTITION OF public.measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE public.measurements_2024 PARTITION OF public.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO public.measurements SELECT g % 10, date '2023-01-01' + g, g % 40 FROM generate_series(0, 500) g;
CREATE VIEW public.v_loans AS SELECT id, borrower FROM public.loans WHERE amount > 10;
CREATE SEQUENCE public.ticket_seq START 100;
SELECT nextval('public.ticket_seq');
CREATE MATERIALIZED VIEW public.mv_counts AS SELECT count(*) AS n FROM public.loans;
SELECT lo_from_bytea(0, ''::bytea);
SELECT lo_from_bytea(0, convert_to(E'hello\nlarge object', 'UTF8'));
SELECT lo_from_bytea(0, decode(repeat('00ff10', 4000), 'hex'));
