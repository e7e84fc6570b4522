--
-- PostgreSQL database dump
--

\restrict ZfX06Bniiluh2VvhSqb1mDhi0beiPEkf7C8B7nIOg5fX6vMkCwLG9dnhr2CJFKZ

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: one_col; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.one_col (
    v text
);


ALTER TABLE public.one_col OWNER TO postgres;

--
-- Name: tricky; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.tricky (
    id integer,
    t text,
    b bytea,
    j jsonb
);


ALTER TABLE public.tricky OWNER TO postgres;

--
-- Data for Name: one_col; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.one_col VALUES ('\.');
INSERT INTO public.one_col VALUES ('\.');
INSERT INTO public.one_col VALUES (NULL);
INSERT INTO public.one_col VALUES ('
');
INSERT INTO public.one_col VALUES ('');


--
-- Data for Name: tricky; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.tricky VALUES (1, 'multi
line
value', '\x000102ff0a0d5c', '{"a": "x\ny"}');
INSERT INTO public.tricky VALUES (2, '\.', '\x5c2e', NULL);
INSERT INTO public.tricky VALUES (3, '\.
', NULL, '[1, 2]');
INSERT INTO public.tricky VALUES (4, '		', '\x', '{}');
INSERT INTO public.tricky VALUES (5, NULL, NULL, NULL);
INSERT INTO public.tricky VALUES (6, '東京都 — 「引用」', '\xabababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababab', '{"k": "日本"}');
INSERT INTO public.tricky VALUES (7, '', '\x0a', 'null');


--
-- PostgreSQL database dump complete
--

\unrestrict ZfX06Bniiluh2VvhSqb1mDhi0beiPEkf7C8B7nIOg5fX6vMkCwLG9dnhr2CJFKZ

