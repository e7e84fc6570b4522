--
-- PostgreSQL database dump
--

\restrict ECmoJi9QDAVecLgDf3KBZOTWiDCnVp5pmqYEZbXwYAfFlGJNbS382byl1raSV7r

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

--
-- Name: inventory; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA inventory;


ALTER SCHEMA inventory OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: Order Items; Type: TABLE; Schema: inventory; Owner: postgres
--

CREATE TABLE inventory."Order Items" (
    id integer,
    "Item Name" text,
    qty integer
);


ALTER TABLE inventory."Order Items" OWNER TO postgres;

--
-- Name: Quote"Table; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."Quote""Table" (
    a integer
);


ALTER TABLE public."Quote""Table" OWNER TO postgres;

--
-- Name: empty_table; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.empty_table (
    id integer,
    v text
);


ALTER TABLE public.empty_table OWNER TO postgres;

--
-- Name: loans; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.loans (
    id integer NOT NULL,
    borrower text,
    note text,
    amount numeric(12,2),
    created timestamp with time zone DEFAULT '2024-01-02 03:04:05+00'::timestamp with time zone
);


ALTER TABLE public.loans OWNER TO postgres;

--
-- Name: loans_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.loans_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.loans_id_seq OWNER TO postgres;

--
-- Name: loans_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.loans_id_seq OWNED BY public.loans.id;


--
-- Name: measurements; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurements (
    city_id integer,
    logdate date,
    peaktemp integer
)
PARTITION BY RANGE (logdate);


ALTER TABLE public.measurements OWNER TO postgres;

--
-- Name: measurements_2023; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurements_2023 (
    city_id integer,
    logdate date,
    peaktemp integer
);


ALTER TABLE public.measurements_2023 OWNER TO postgres;

--
-- Name: measurements_2024; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurements_2024 (
    city_id integer,
    logdate date,
    peaktemp integer
);


ALTER TABLE public.measurements_2024 OWNER TO postgres;

--
-- Name: mv_counts; Type: MATERIALIZED VIEW; Schema: public; Owner: postgres
--

CREATE MATERIALIZED VIEW public.mv_counts AS
 SELECT count(*) AS n
   FROM public.loans
  WITH NO DATA;


ALTER TABLE public.mv_counts OWNER TO postgres;

--
-- Name: one_col; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.one_col (
    v text
);


ALTER TABLE public.one_col OWNER TO postgres;

--
-- Name: ticket_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.ticket_seq
    START WITH 100
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.ticket_seq OWNER TO postgres;

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
-- Name: v_loans; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.v_loans AS
 SELECT loans.id,
    loans.borrower
   FROM public.loans
  WHERE (loans.amount > (10)::numeric);


ALTER TABLE public.v_loans OWNER TO postgres;

--
-- Name: measurements_2023; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements ATTACH PARTITION public.measurements_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');


--
-- Name: measurements_2024; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements ATTACH PARTITION public.measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');


--
-- Name: loans id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.loans ALTER COLUMN id SET DEFAULT nextval('public.loans_id_seq'::regclass);


--
-- Name: 16437; Type: BLOB; Schema: -; Owner: postgres
--

SELECT pg_catalog.lo_create('16437');


ALTER LARGE OBJECT 16437 OWNER TO postgres;

--
-- Name: 16438; Type: BLOB; Schema: -; Owner: postgres
--

SELECT pg_catalog.lo_create('16438');


ALTER LARGE OBJECT 16438 OWNER TO postgres;

--
-- Name: 16439; Type: BLOB; Schema: -; Owner: postgres
--

SELECT pg_catalog.lo_create('16439');


ALTER LARGE OBJECT 16439 OWNER TO postgres;

--
-- Data for Name: Order Items; Type: TABLE DATA; Schema: inventory; Owner: postgres
--

COPY inventory."Order Items" (id, "Item Name", qty) FROM stdin;
1	item "1"	1
2	item "2"	2
3	item "3"	3
4	item "4"	4
5	item "5"	0
6	item "6"	1
7	item "7"	2
8	item "8"	3
9	item "9"	4
10	item "10"	0
11	item "11"	1
12	item "12"	2
13	item "13"	3
14	item "14"	4
15	item "15"	0
16	item "16"	1
17	item "17"	2
18	item "18"	3
19	item "19"	4
20	item "20"	0
21	item "21"	1
22	item "22"	2
23	item "23"	3
24	item "24"	4
25	item "25"	0
26	item "26"	1
27	item "27"	2
28	item "28"	3
29	item "29"	4
30	item "30"	0
31	item "31"	1
32	item "32"	2
33	item "33"	3
34	item "34"	4
35	item "35"	0
36	item "36"	1
37	item "37"	2
38	item "38"	3
39	item "39"	4
40	item "40"	0
41	item "41"	1
42	item "42"	2
43	item "43"	3
44	item "44"	4
45	item "45"	0
46	item "46"	1
47	item "47"	2
48	item "48"	3
49	item "49"	4
50	item "50"	0
51	item "51"	1
52	item "52"	2
53	item "53"	3
54	item "54"	4
55	item "55"	0
56	item "56"	1
57	item "57"	2
\.


--
-- Data for Name: Quote"Table; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public."Quote""Table" (a) FROM stdin;
1
2
\.


--
-- Data for Name: empty_table; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.empty_table (id, v) FROM stdin;
\.


--
-- Data for Name: loans; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.loans (id, borrower, note, amount, created) FROM stdin;
1	borrower 1	tab\there	1.50	2024-01-02 03:04:05+00
2	borrower 2	back\\slash	3.00	2024-01-02 03:04:05+00
3	borrower 3	\\.	4.50	2024-01-02 03:04:05+00
4	borrower 4	x\n\\.\ny	6.00	2024-01-02 03:04:05+00
5	borrower 5	日本語のテキスト	7.50	2024-01-02 03:04:05+00
6	borrower 6	\N	9.00	2024-01-02 03:04:05+00
7	borrower 7	line1\nline2\nline3	10.50	2024-01-02 03:04:05+00
8	borrower 8	tab\there	12.00	2024-01-02 03:04:05+00
9	borrower 9	back\\slash	13.50	2024-01-02 03:04:05+00
10	borrower 10	\\.	15.00	2024-01-02 03:04:05+00
11	borrower 11	x\n\\.\ny	16.50	2024-01-02 03:04:05+00
12	borrower 12	日本語のテキスト	18.00	2024-01-02 03:04:05+00
13	borrower 13	\N	19.50	2024-01-02 03:04:05+00
14	borrower 14	line1\nline2\nline3	21.00	2024-01-02 03:04:05+00
15	borrower 15	tab\there	22.50	2024-01-02 03:04:05+00
16	borrower 16	back\\slash	24.00	2024-01-02 03:04:05+00
17	borrower 17	\\.	25.50	2024-01-02 03:04:05+00
18	borrower 18	x\n\\.\ny	27.00	2024-01-02 03:04:05+00
19	borrower 19	日本語のテキスト	28.50	2024-01-02 03:04:05+00
20	borrower 20	\N	30.00	2024-01-02 03:04:05+00
21	borrower 21	line1\nline2\nline3	31.50	2024-01-02 03:04:05+00
22	borrower 22	tab\there	33.00	2024-01-02 03:04:05+00
23	borrower 23	back\\slash	34.50	2024-01-02 03:04:05+00
24	borrower 24	\\.	36.00	2024-01-02 03:04:05+00
25	borrower 25	x\n\\.\ny	37.50	2024-01-02 03:04:05+00
26	borrower 26	日本語のテキスト	39.00	2024-01-02 03:04:05+00
27	borrower 27	\N	40.50	2024-01-02 03:04:05+00
28	borrower 28	line1\nline2\nline3	42.00	2024-01-02 03:04:05+00
29	borrower 29	tab\there	43.50	2024-01-02 03:04:05+00
30	borrower 30	back\\slash	45.00	2024-01-02 03:04:05+00
31	borrower 31	\\.	46.50	2024-01-02 03:04:05+00
32	borrower 32	x\n\\.\ny	48.00	2024-01-02 03:04:05+00
33	borrower 33	日本語のテキスト	49.50	2024-01-02 03:04:05+00
34	borrower 34	\N	51.00	2024-01-02 03:04:05+00
35	borrower 35	line1\nline2\nline3	52.50	2024-01-02 03:04:05+00
36	borrower 36	tab\there	54.00	2024-01-02 03:04:05+00
37	borrower 37	back\\slash	55.50	2024-01-02 03:04:05+00
38	borrower 38	\\.	57.00	2024-01-02 03:04:05+00
39	borrower 39	x\n\\.\ny	58.50	2024-01-02 03:04:05+00
40	borrower 40	日本語のテキスト	60.00	2024-01-02 03:04:05+00
41	borrower 41	\N	61.50	2024-01-02 03:04:05+00
42	borrower 42	line1\nline2\nline3	63.00	2024-01-02 03:04:05+00
43	borrower 43	tab\there	64.50	2024-01-02 03:04:05+00
44	borrower 44	back\\slash	66.00	2024-01-02 03:04:05+00
45	borrower 45	\\.	67.50	2024-01-02 03:04:05+00
46	borrower 46	x\n\\.\ny	69.00	2024-01-02 03:04:05+00
47	borrower 47	日本語のテキスト	70.50	2024-01-02 03:04:05+00
48	borrower 48	\N	72.00	2024-01-02 03:04:05+00
49	borrower 49	line1\nline2\nline3	73.50	2024-01-02 03:04:05+00
50	borrower 50	tab\there	75.00	2024-01-02 03:04:05+00
51	borrower 51	back\\slash	76.50	2024-01-02 03:04:05+00
52	borrower 52	\\.	78.00	2024-01-02 03:04:05+00
53	borrower 53	x\n\\.\ny	79.50	2024-01-02 03:04:05+00
54	borrower 54	日本語のテキスト	81.00	2024-01-02 03:04:05+00
55	borrower 55	\N	82.50	2024-01-02 03:04:05+00
56	borrower 56	line1\nline2\nline3	84.00	2024-01-02 03:04:05+00
57	borrower 57	tab\there	85.50	2024-01-02 03:04:05+00
58	borrower 58	back\\slash	87.00	2024-01-02 03:04:05+00
59	borrower 59	\\.	88.50	2024-01-02 03:04:05+00
60	borrower 60	x\n\\.\ny	90.00	2024-01-02 03:04:05+00
61	borrower 61	日本語のテキスト	91.50	2024-01-02 03:04:05+00
62	borrower 62	\N	93.00	2024-01-02 03:04:05+00
63	borrower 63	line1\nline2\nline3	94.50	2024-01-02 03:04:05+00
64	borrower 64	tab\there	96.00	2024-01-02 03:04:05+00
65	borrower 65	back\\slash	97.50	2024-01-02 03:04:05+00
66	borrower 66	\\.	99.00	2024-01-02 03:04:05+00
67	borrower 67	x\n\\.\ny	100.50	2024-01-02 03:04:05+00
68	borrower 68	日本語のテキスト	102.00	2024-01-02 03:04:05+00
69	borrower 69	\N	103.50	2024-01-02 03:04:05+00
70	borrower 70	line1\nline2\nline3	105.00	2024-01-02 03:04:05+00
71	borrower 71	tab\there	106.50	2024-01-02 03:04:05+00
72	borrower 72	back\\slash	108.00	2024-01-02 03:04:05+00
73	borrower 73	\\.	109.50	2024-01-02 03:04:05+00
74	borrower 74	x\n\\.\ny	111.00	2024-01-02 03:04:05+00
75	borrower 75	日本語のテキスト	112.50	2024-01-02 03:04:05+00
76	borrower 76	\N	114.00	2024-01-02 03:04:05+00
77	borrower 77	line1\nline2\nline3	115.50	2024-01-02 03:04:05+00
78	borrower 78	tab\there	117.00	2024-01-02 03:04:05+00
79	borrower 79	back\\slash	118.50	2024-01-02 03:04:05+00
80	borrower 80	\\.	120.00	2024-01-02 03:04:05+00
81	borrower 81	x\n\\.\ny	121.50	2024-01-02 03:04:05+00
82	borrower 82	日本語のテキスト	123.00	2024-01-02 03:04:05+00
83	borrower 83	\N	124.50	2024-01-02 03:04:05+00
84	borrower 84	line1\nline2\nline3	126.00	2024-01-02 03:04:05+00
85	borrower 85	tab\there	127.50	2024-01-02 03:04:05+00
86	borrower 86	back\\slash	129.00	2024-01-02 03:04:05+00
87	borrower 87	\\.	130.50	2024-01-02 03:04:05+00
88	borrower 88	x\n\\.\ny	132.00	2024-01-02 03:04:05+00
89	borrower 89	日本語のテキスト	133.50	2024-01-02 03:04:05+00
90	borrower 90	\N	135.00	2024-01-02 03:04:05+00
91	borrower 91	line1\nline2\nline3	136.50	2024-01-02 03:04:05+00
92	borrower 92	tab\there	138.00	2024-01-02 03:04:05+00
93	borrower 93	back\\slash	139.50	2024-01-02 03:04:05+00
94	borrower 94	\\.	141.00	2024-01-02 03:04:05+00
95	borrower 95	x\n\\.\ny	142.50	2024-01-02 03:04:05+00
96	borrower 96	日本語のテキスト	144.00	2024-01-02 03:04:05+00
97	borrower 97	\N	145.50	2024-01-02 03:04:05+00
98	borrower 98	line1\nline2\nline3	147.00	2024-01-02 03:04:05+00
99	borrower 99	tab\there	148.50	2024-01-02 03:04:05+00
100	borrower 100	back\\slash	150.00	2024-01-02 03:04:05+00
101	borrower 101	\\.	151.50	2024-01-02 03:04:05+00
102	borrower 102	x\n\\.\ny	153.00	2024-01-02 03:04:05+00
103	borrower 103	日本語のテキスト	154.50	2024-01-02 03:04:05+00
104	borrower 104	\N	156.00	2024-01-02 03:04:05+00
105	borrower 105	line1\nline2\nline3	157.50	2024-01-02 03:04:05+00
106	borrower 106	tab\there	159.00	2024-01-02 03:04:05+00
107	borrower 107	back\\slash	160.50	2024-01-02 03:04:05+00
108	borrower 108	\\.	162.00	2024-01-02 03:04:05+00
109	borrower 109	x\n\\.\ny	163.50	2024-01-02 03:04:05+00
110	borrower 110	日本語のテキスト	165.00	2024-01-02 03:04:05+00
111	borrower 111	\N	166.50	2024-01-02 03:04:05+00
112	borrower 112	line1\nline2\nline3	168.00	2024-01-02 03:04:05+00
113	borrower 113	tab\there	169.50	2024-01-02 03:04:05+00
114	borrower 114	back\\slash	171.00	2024-01-02 03:04:05+00
115	borrower 115	\\.	172.50	2024-01-02 03:04:05+00
116	borrower 116	x\n\\.\ny	174.00	2024-01-02 03:04:05+00
117	borrower 117	日本語のテキスト	175.50	2024-01-02 03:04:05+00
118	borrower 118	\N	177.00	2024-01-02 03:04:05+00
119	borrower 119	line1\nline2\nline3	178.50	2024-01-02 03:04:05+00
120	borrower 120	tab\there	180.00	2024-01-02 03:04:05+00
121	borrower 121	back\\slash	181.50	2024-01-02 03:04:05+00
122	borrower 122	\\.	183.00	2024-01-02 03:04:05+00
123	borrower 123	x\n\\.\ny	184.50	2024-01-02 03:04:05+00
124	borrower 124	日本語のテキスト	186.00	2024-01-02 03:04:05+00
125	borrower 125	\N	187.50	2024-01-02 03:04:05+00
126	borrower 126	line1\nline2\nline3	189.00	2024-01-02 03:04:05+00
127	borrower 127	tab\there	190.50	2024-01-02 03:04:05+00
128	borrower 128	back\\slash	192.00	2024-01-02 03:04:05+00
129	borrower 129	\\.	193.50	2024-01-02 03:04:05+00
130	borrower 130	x\n\\.\ny	195.00	2024-01-02 03:04:05+00
131	borrower 131	日本語のテキスト	196.50	2024-01-02 03:04:05+00
132	borrower 132	\N	198.00	2024-01-02 03:04:05+00
133	borrower 133	line1\nline2\nline3	199.50	2024-01-02 03:04:05+00
134	borrower 134	tab\there	201.00	2024-01-02 03:04:05+00
135	borrower 135	back\\slash	202.50	2024-01-02 03:04:05+00
136	borrower 136	\\.	204.00	2024-01-02 03:04:05+00
137	borrower 137	x\n\\.\ny	205.50	2024-01-02 03:04:05+00
138	borrower 138	日本語のテキスト	207.00	2024-01-02 03:04:05+00
139	borrower 139	\N	208.50	2024-01-02 03:04:05+00
140	borrower 140	line1\nline2\nline3	210.00	2024-01-02 03:04:05+00
141	borrower 141	tab\there	211.50	2024-01-02 03:04:05+00
142	borrower 142	back\\slash	213.00	2024-01-02 03:04:05+00
143	borrower 143	\\.	214.50	2024-01-02 03:04:05+00
144	borrower 144	x\n\\.\ny	216.00	2024-01-02 03:04:05+00
145	borrower 145	日本語のテキスト	217.50	2024-01-02 03:04:05+00
146	borrower 146	\N	219.00	2024-01-02 03:04:05+00
147	borrower 147	line1\nline2\nline3	220.50	2024-01-02 03:04:05+00
148	borrower 148	tab\there	222.00	2024-01-02 03:04:05+00
149	borrower 149	back\\slash	223.50	2024-01-02 03:04:05+00
150	borrower 150	\\.	225.00	2024-01-02 03:04:05+00
151	borrower 151	x\n\\.\ny	226.50	2024-01-02 03:04:05+00
152	borrower 152	日本語のテキスト	228.00	2024-01-02 03:04:05+00
153	borrower 153	\N	229.50	2024-01-02 03:04:05+00
154	borrower 154	line1\nline2\nline3	231.00	2024-01-02 03:04:05+00
155	borrower 155	tab\there	232.50	2024-01-02 03:04:05+00
156	borrower 156	back\\slash	234.00	2024-01-02 03:04:05+00
157	borrower 157	\\.	235.50	2024-01-02 03:04:05+00
158	borrower 158	x\n\\.\ny	237.00	2024-01-02 03:04:05+00
159	borrower 159	日本語のテキスト	238.50	2024-01-02 03:04:05+00
160	borrower 160	\N	240.00	2024-01-02 03:04:05+00
161	borrower 161	line1\nline2\nline3	241.50	2024-01-02 03:04:05+00
162	borrower 162	tab\there	243.00	2024-01-02 03:04:05+00
163	borrower 163	back\\slash	244.50	2024-01-02 03:04:05+00
164	borrower 164	\\.	246.00	2024-01-02 03:04:05+00
165	borrower 165	x\n\\.\ny	247.50	2024-01-02 03:04:05+00
166	borrower 166	日本語のテキスト	249.00	2024-01-02 03:04:05+00
167	borrower 167	\N	250.50	2024-01-02 03:04:05+00
168	borrower 168	line1\nline2\nline3	252.00	2024-01-02 03:04:05+00
169	borrower 169	tab\there	253.50	2024-01-02 03:04:05+00
170	borrower 170	back\\slash	255.00	2024-01-02 03:04:05+00
171	borrower 171	\\.	256.50	2024-01-02 03:04:05+00
172	borrower 172	x\n\\.\ny	258.00	2024-01-02 03:04:05+00
173	borrower 173	日本語のテキスト	259.50	2024-01-02 03:04:05+00
174	borrower 174	\N	261.00	2024-01-02 03:04:05+00
175	borrower 175	line1\nline2\nline3	262.50	2024-01-02 03:04:05+00
176	borrower 176	tab\there	264.00	2024-01-02 03:04:05+00
177	borrower 177	back\\slash	265.50	2024-01-02 03:04:05+00
178	borrower 178	\\.	267.00	2024-01-02 03:04:05+00
179	borrower 179	x\n\\.\ny	268.50	2024-01-02 03:04:05+00
180	borrower 180	日本語のテキスト	270.00	2024-01-02 03:04:05+00
181	borrower 181	\N	271.50	2024-01-02 03:04:05+00
182	borrower 182	line1\nline2\nline3	273.00	2024-01-02 03:04:05+00
183	borrower 183	tab\there	274.50	2024-01-02 03:04:05+00
184	borrower 184	back\\slash	276.00	2024-01-02 03:04:05+00
185	borrower 185	\\.	277.50	2024-01-02 03:04:05+00
186	borrower 186	x\n\\.\ny	279.00	2024-01-02 03:04:05+00
187	borrower 187	日本語のテキスト	280.50	2024-01-02 03:04:05+00
188	borrower 188	\N	282.00	2024-01-02 03:04:05+00
189	borrower 189	line1\nline2\nline3	283.50	2024-01-02 03:04:05+00
190	borrower 190	tab\there	285.00	2024-01-02 03:04:05+00
191	borrower 191	back\\slash	286.50	2024-01-02 03:04:05+00
192	borrower 192	\\.	288.00	2024-01-02 03:04:05+00
193	borrower 193	x\n\\.\ny	289.50	2024-01-02 03:04:05+00
194	borrower 194	日本語のテキスト	291.00	2024-01-02 03:04:05+00
195	borrower 195	\N	292.50	2024-01-02 03:04:05+00
196	borrower 196	line1\nline2\nline3	294.00	2024-01-02 03:04:05+00
197	borrower 197	tab\there	295.50	2024-01-02 03:04:05+00
198	borrower 198	back\\slash	297.00	2024-01-02 03:04:05+00
199	borrower 199	\\.	298.50	2024-01-02 03:04:05+00
200	borrower 200	x\n\\.\ny	300.00	2024-01-02 03:04:05+00
201	borrower 201	日本語のテキスト	301.50	2024-01-02 03:04:05+00
202	borrower 202	\N	303.00	2024-01-02 03:04:05+00
203	borrower 203	line1\nline2\nline3	304.50	2024-01-02 03:04:05+00
204	borrower 204	tab\there	306.00	2024-01-02 03:04:05+00
205	borrower 205	back\\slash	307.50	2024-01-02 03:04:05+00
206	borrower 206	\\.	309.00	2024-01-02 03:04:05+00
207	borrower 207	x\n\\.\ny	310.50	2024-01-02 03:04:05+00
208	borrower 208	日本語のテキスト	312.00	2024-01-02 03:04:05+00
209	borrower 209	\N	313.50	2024-01-02 03:04:05+00
210	borrower 210	line1\nline2\nline3	315.00	2024-01-02 03:04:05+00
211	borrower 211	tab\there	316.50	2024-01-02 03:04:05+00
212	borrower 212	back\\slash	318.00	2024-01-02 03:04:05+00
213	borrower 213	\\.	319.50	2024-01-02 03:04:05+00
214	borrower 214	x\n\\.\ny	321.00	2024-01-02 03:04:05+00
215	borrower 215	日本語のテキスト	322.50	2024-01-02 03:04:05+00
216	borrower 216	\N	324.00	2024-01-02 03:04:05+00
217	borrower 217	line1\nline2\nline3	325.50	2024-01-02 03:04:05+00
218	borrower 218	tab\there	327.00	2024-01-02 03:04:05+00
219	borrower 219	back\\slash	328.50	2024-01-02 03:04:05+00
220	borrower 220	\\.	330.00	2024-01-02 03:04:05+00
221	borrower 221	x\n\\.\ny	331.50	2024-01-02 03:04:05+00
222	borrower 222	日本語のテキスト	333.00	2024-01-02 03:04:05+00
223	borrower 223	\N	334.50	2024-01-02 03:04:05+00
224	borrower 224	line1\nline2\nline3	336.00	2024-01-02 03:04:05+00
225	borrower 225	tab\there	337.50	2024-01-02 03:04:05+00
226	borrower 226	back\\slash	339.00	2024-01-02 03:04:05+00
227	borrower 227	\\.	340.50	2024-01-02 03:04:05+00
228	borrower 228	x\n\\.\ny	342.00	2024-01-02 03:04:05+00
229	borrower 229	日本語のテキスト	343.50	2024-01-02 03:04:05+00
230	borrower 230	\N	345.00	2024-01-02 03:04:05+00
231	borrower 231	line1\nline2\nline3	346.50	2024-01-02 03:04:05+00
232	borrower 232	tab\there	348.00	2024-01-02 03:04:05+00
233	borrower 233	back\\slash	349.50	2024-01-02 03:04:05+00
234	borrower 234	\\.	351.00	2024-01-02 03:04:05+00
235	borrower 235	x\n\\.\ny	352.50	2024-01-02 03:04:05+00
236	borrower 236	日本語のテキスト	354.00	2024-01-02 03:04:05+00
237	borrower 237	\N	355.50	2024-01-02 03:04:05+00
238	borrower 238	line1\nline2\nline3	357.00	2024-01-02 03:04:05+00
239	borrower 239	tab\there	358.50	2024-01-02 03:04:05+00
240	borrower 240	back\\slash	360.00	2024-01-02 03:04:05+00
241	borrower 241	\\.	361.50	2024-01-02 03:04:05+00
242	borrower 242	x\n\\.\ny	363.00	2024-01-02 03:04:05+00
243	borrower 243	日本語のテキスト	364.50	2024-01-02 03:04:05+00
244	borrower 244	\N	366.00	2024-01-02 03:04:05+00
245	borrower 245	line1\nline2\nline3	367.50	2024-01-02 03:04:05+00
246	borrower 246	tab\there	369.00	2024-01-02 03:04:05+00
247	borrower 247	back\\slash	370.50	2024-01-02 03:04:05+00
248	borrower 248	\\.	372.00	2024-01-02 03:04:05+00
249	borrower 249	x\n\\.\ny	373.50	2024-01-02 03:04:05+00
250	borrower 250	日本語のテキスト	375.00	2024-01-02 03:04:05+00
251	borrower 251	\N	376.50	2024-01-02 03:04:05+00
252	borrower 252	line1\nline2\nline3	378.00	2024-01-02 03:04:05+00
253	borrower 253	tab\there	379.50	2024-01-02 03:04:05+00
254	borrower 254	back\\slash	381.00	2024-01-02 03:04:05+00
255	borrower 255	\\.	382.50	2024-01-02 03:04:05+00
256	borrower 256	x\n\\.\ny	384.00	2024-01-02 03:04:05+00
257	borrower 257	日本語のテキスト	385.50	2024-01-02 03:04:05+00
258	borrower 258	\N	387.00	2024-01-02 03:04:05+00
259	borrower 259	line1\nline2\nline3	388.50	2024-01-02 03:04:05+00
260	borrower 260	tab\there	390.00	2024-01-02 03:04:05+00
261	borrower 261	back\\slash	391.50	2024-01-02 03:04:05+00
262	borrower 262	\\.	393.00	2024-01-02 03:04:05+00
263	borrower 263	x\n\\.\ny	394.50	2024-01-02 03:04:05+00
264	borrower 264	日本語のテキスト	396.00	2024-01-02 03:04:05+00
265	borrower 265	\N	397.50	2024-01-02 03:04:05+00
266	borrower 266	line1\nline2\nline3	399.00	2024-01-02 03:04:05+00
267	borrower 267	tab\there	400.50	2024-01-02 03:04:05+00
268	borrower 268	back\\slash	402.00	2024-01-02 03:04:05+00
269	borrower 269	\\.	403.50	2024-01-02 03:04:05+00
270	borrower 270	x\n\\.\ny	405.00	2024-01-02 03:04:05+00
271	borrower 271	日本語のテキスト	406.50	2024-01-02 03:04:05+00
272	borrower 272	\N	408.00	2024-01-02 03:04:05+00
273	borrower 273	line1\nline2\nline3	409.50	2024-01-02 03:04:05+00
274	borrower 274	tab\there	411.00	2024-01-02 03:04:05+00
275	borrower 275	back\\slash	412.50	2024-01-02 03:04:05+00
276	borrower 276	\\.	414.00	2024-01-02 03:04:05+00
277	borrower 277	x\n\\.\ny	415.50	2024-01-02 03:04:05+00
278	borrower 278	日本語のテキスト	417.00	2024-01-02 03:04:05+00
279	borrower 279	\N	418.50	2024-01-02 03:04:05+00
280	borrower 280	line1\nline2\nline3	420.00	2024-01-02 03:04:05+00
281	borrower 281	tab\there	421.50	2024-01-02 03:04:05+00
282	borrower 282	back\\slash	423.00	2024-01-02 03:04:05+00
283	borrower 283	\\.	424.50	2024-01-02 03:04:05+00
284	borrower 284	x\n\\.\ny	426.00	2024-01-02 03:04:05+00
285	borrower 285	日本語のテキスト	427.50	2024-01-02 03:04:05+00
286	borrower 286	\N	429.00	2024-01-02 03:04:05+00
287	borrower 287	line1\nline2\nline3	430.50	2024-01-02 03:04:05+00
288	borrower 288	tab\there	432.00	2024-01-02 03:04:05+00
289	borrower 289	back\\slash	433.50	2024-01-02 03:04:05+00
290	borrower 290	\\.	435.00	2024-01-02 03:04:05+00
291	borrower 291	x\n\\.\ny	436.50	2024-01-02 03:04:05+00
292	borrower 292	日本語のテキスト	438.00	2024-01-02 03:04:05+00
293	borrower 293	\N	439.50	2024-01-02 03:04:05+00
294	borrower 294	line1\nline2\nline3	441.00	2024-01-02 03:04:05+00
295	borrower 295	tab\there	442.50	2024-01-02 03:04:05+00
296	borrower 296	back\\slash	444.00	2024-01-02 03:04:05+00
297	borrower 297	\\.	445.50	2024-01-02 03:04:05+00
298	borrower 298	x\n\\.\ny	447.00	2024-01-02 03:04:05+00
299	borrower 299	日本語のテキスト	448.50	2024-01-02 03:04:05+00
300	borrower 300	\N	450.00	2024-01-02 03:04:05+00
301	borrower 301	line1\nline2\nline3	451.50	2024-01-02 03:04:05+00
302	borrower 302	tab\there	453.00	2024-01-02 03:04:05+00
303	borrower 303	back\\slash	454.50	2024-01-02 03:04:05+00
304	borrower 304	\\.	456.00	2024-01-02 03:04:05+00
305	borrower 305	x\n\\.\ny	457.50	2024-01-02 03:04:05+00
306	borrower 306	日本語のテキスト	459.00	2024-01-02 03:04:05+00
307	borrower 307	\N	460.50	2024-01-02 03:04:05+00
308	borrower 308	line1\nline2\nline3	462.00	2024-01-02 03:04:05+00
309	borrower 309	tab\there	463.50	2024-01-02 03:04:05+00
310	borrower 310	back\\slash	465.00	2024-01-02 03:04:05+00
311	borrower 311	\\.	466.50	2024-01-02 03:04:05+00
312	borrower 312	x\n\\.\ny	468.00	2024-01-02 03:04:05+00
313	borrower 313	日本語のテキスト	469.50	2024-01-02 03:04:05+00
314	borrower 314	\N	471.00	2024-01-02 03:04:05+00
315	borrower 315	line1\nline2\nline3	472.50	2024-01-02 03:04:05+00
316	borrower 316	tab\there	474.00	2024-01-02 03:04:05+00
317	borrower 317	back\\slash	475.50	2024-01-02 03:04:05+00
318	borrower 318	\\.	477.00	2024-01-02 03:04:05+00
319	borrower 319	x\n\\.\ny	478.50	2024-01-02 03:04:05+00
320	borrower 320	日本語のテキスト	480.00	2024-01-02 03:04:05+00
321	borrower 321	\N	481.50	2024-01-02 03:04:05+00
322	borrower 322	line1\nline2\nline3	483.00	2024-01-02 03:04:05+00
323	borrower 323	tab\there	484.50	2024-01-02 03:04:05+00
324	borrower 324	back\\slash	486.00	2024-01-02 03:04:05+00
325	borrower 325	\\.	487.50	2024-01-02 03:04:05+00
326	borrower 326	x\n\\.\ny	489.00	2024-01-02 03:04:05+00
327	borrower 327	日本語のテキスト	490.50	2024-01-02 03:04:05+00
328	borrower 328	\N	492.00	2024-01-02 03:04:05+00
329	borrower 329	line1\nline2\nline3	493.50	2024-01-02 03:04:05+00
330	borrower 330	tab\there	495.00	2024-01-02 03:04:05+00
331	borrower 331	back\\slash	496.50	2024-01-02 03:04:05+00
332	borrower 332	\\.	498.00	2024-01-02 03:04:05+00
333	borrower 333	x\n\\.\ny	499.50	2024-01-02 03:04:05+00
334	borrower 334	日本語のテキスト	501.00	2024-01-02 03:04:05+00
335	borrower 335	\N	502.50	2024-01-02 03:04:05+00
336	borrower 336	line1\nline2\nline3	504.00	2024-01-02 03:04:05+00
337	borrower 337	tab\there	505.50	2024-01-02 03:04:05+00
338	borrower 338	back\\slash	507.00	2024-01-02 03:04:05+00
339	borrower 339	\\.	508.50	2024-01-02 03:04:05+00
340	borrower 340	x\n\\.\ny	510.00	2024-01-02 03:04:05+00
341	borrower 341	日本語のテキスト	511.50	2024-01-02 03:04:05+00
342	borrower 342	\N	513.00	2024-01-02 03:04:05+00
343	borrower 343	line1\nline2\nline3	514.50	2024-01-02 03:04:05+00
344	borrower 344	tab\there	516.00	2024-01-02 03:04:05+00
345	borrower 345	back\\slash	517.50	2024-01-02 03:04:05+00
346	borrower 346	\\.	519.00	2024-01-02 03:04:05+00
347	borrower 347	x\n\\.\ny	520.50	2024-01-02 03:04:05+00
348	borrower 348	日本語のテキスト	522.00	2024-01-02 03:04:05+00
349	borrower 349	\N	523.50	2024-01-02 03:04:05+00
350	borrower 350	line1\nline2\nline3	525.00	2024-01-02 03:04:05+00
351	borrower 351	tab\there	526.50	2024-01-02 03:04:05+00
352	borrower 352	back\\slash	528.00	2024-01-02 03:04:05+00
353	borrower 353	\\.	529.50	2024-01-02 03:04:05+00
354	borrower 354	x\n\\.\ny	531.00	2024-01-02 03:04:05+00
355	borrower 355	日本語のテキスト	532.50	2024-01-02 03:04:05+00
356	borrower 356	\N	534.00	2024-01-02 03:04:05+00
357	borrower 357	line1\nline2\nline3	535.50	2024-01-02 03:04:05+00
358	borrower 358	tab\there	537.00	2024-01-02 03:04:05+00
359	borrower 359	back\\slash	538.50	2024-01-02 03:04:05+00
360	borrower 360	\\.	540.00	2024-01-02 03:04:05+00
361	borrower 361	x\n\\.\ny	541.50	2024-01-02 03:04:05+00
362	borrower 362	日本語のテキスト	543.00	2024-01-02 03:04:05+00
363	borrower 363	\N	544.50	2024-01-02 03:04:05+00
364	borrower 364	line1\nline2\nline3	546.00	2024-01-02 03:04:05+00
365	borrower 365	tab\there	547.50	2024-01-02 03:04:05+00
366	borrower 366	back\\slash	549.00	2024-01-02 03:04:05+00
367	borrower 367	\\.	550.50	2024-01-02 03:04:05+00
368	borrower 368	x\n\\.\ny	552.00	2024-01-02 03:04:05+00
369	borrower 369	日本語のテキスト	553.50	2024-01-02 03:04:05+00
370	borrower 370	\N	555.00	2024-01-02 03:04:05+00
371	borrower 371	line1\nline2\nline3	556.50	2024-01-02 03:04:05+00
372	borrower 372	tab\there	558.00	2024-01-02 03:04:05+00
373	borrower 373	back\\slash	559.50	2024-01-02 03:04:05+00
374	borrower 374	\\.	561.00	2024-01-02 03:04:05+00
375	borrower 375	x\n\\.\ny	562.50	2024-01-02 03:04:05+00
376	borrower 376	日本語のテキスト	564.00	2024-01-02 03:04:05+00
377	borrower 377	\N	565.50	2024-01-02 03:04:05+00
378	borrower 378	line1\nline2\nline3	567.00	2024-01-02 03:04:05+00
379	borrower 379	tab\there	568.50	2024-01-02 03:04:05+00
380	borrower 380	back\\slash	570.00	2024-01-02 03:04:05+00
381	borrower 381	\\.	571.50	2024-01-02 03:04:05+00
382	borrower 382	x\n\\.\ny	573.00	2024-01-02 03:04:05+00
383	borrower 383	日本語のテキスト	574.50	2024-01-02 03:04:05+00
384	borrower 384	\N	576.00	2024-01-02 03:04:05+00
385	borrower 385	line1\nline2\nline3	577.50	2024-01-02 03:04:05+00
386	borrower 386	tab\there	579.00	2024-01-02 03:04:05+00
387	borrower 387	back\\slash	580.50	2024-01-02 03:04:05+00
388	borrower 388	\\.	582.00	2024-01-02 03:04:05+00
389	borrower 389	x\n\\.\ny	583.50	2024-01-02 03:04:05+00
390	borrower 390	日本語のテキスト	585.00	2024-01-02 03:04:05+00
391	borrower 391	\N	586.50	2024-01-02 03:04:05+00
392	borrower 392	line1\nline2\nline3	588.00	2024-01-02 03:04:05+00
393	borrower 393	tab\there	589.50	2024-01-02 03:04:05+00
394	borrower 394	back\\slash	591.00	2024-01-02 03:04:05+00
395	borrower 395	\\.	592.50	2024-01-02 03:04:05+00
396	borrower 396	x\n\\.\ny	594.00	2024-01-02 03:04:05+00
397	borrower 397	日本語のテキスト	595.50	2024-01-02 03:04:05+00
398	borrower 398	\N	597.00	2024-01-02 03:04:05+00
399	borrower 399	line1\nline2\nline3	598.50	2024-01-02 03:04:05+00
400	borrower 400	tab\there	600.00	2024-01-02 03:04:05+00
\.


--
-- Data for Name: measurements_2023; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.measurements_2023 (city_id, logdate, peaktemp) FROM stdin;
0	2023-01-01	0
1	2023-01-02	1
2	2023-01-03	2
3	2023-01-04	3
4	2023-01-05	4
5	2023-01-06	5
6	2023-01-07	6
7	2023-01-08	7
8	2023-01-09	8
9	2023-01-10	9
0	2023-01-11	10
1	2023-01-12	11
2	2023-01-13	12
3	2023-01-14	13
4	2023-01-15	14
5	2023-01-16	15
6	2023-01-17	16
7	2023-01-18	17
8	2023-01-19	18
9	2023-01-20	19
0	2023-01-21	20
1	2023-01-22	21
2	2023-01-23	22
3	2023-01-24	23
4	2023-01-25	24
5	2023-01-26	25
6	2023-01-27	26
7	2023-01-28	27
8	2023-01-29	28
9	2023-01-30	29
0	2023-01-31	30
1	2023-02-01	31
2	2023-02-02	32
3	2023-02-03	33
4	2023-02-04	34
5	2023-02-05	35
6	2023-02-06	36
7	2023-02-07	37
8	2023-02-08	38
9	2023-02-09	39
0	2023-02-10	0
1	2023-02-11	1
2	2023-02-12	2
3	2023-02-13	3
4	2023-02-14	4
5	2023-02-15	5
6	2023-02-16	6
7	2023-02-17	7
8	2023-02-18	8
9	2023-02-19	9
0	2023-02-20	10
1	2023-02-21	11
2	2023-02-22	12
3	2023-02-23	13
4	2023-02-24	14
5	2023-02-25	15
6	2023-02-26	16
7	2023-02-27	17
8	2023-02-28	18
9	2023-03-01	19
0	2023-03-02	20
1	2023-03-03	21
2	2023-03-04	22
3	2023-03-05	23
4	2023-03-06	24
5	2023-03-07	25
6	2023-03-08	26
7	2023-03-09	27
8	2023-03-10	28
9	2023-03-11	29
0	2023-03-12	30
1	2023-03-13	31
2	2023-03-14	32
3	2023-03-15	33
4	2023-03-16	34
5	2023-03-17	35
6	2023-03-18	36
7	2023-03-19	37
8	2023-03-20	38
9	2023-03-21	39
0	2023-03-22	0
1	2023-03-23	1
2	2023-03-24	2
3	2023-03-25	3
4	2023-03-26	4
5	2023-03-27	5
6	2023-03-28	6
7	2023-03-29	7
8	2023-03-30	8
9	2023-03-31	9
0	2023-04-01	10
1	2023-04-02	11
2	2023-04-03	12
3	2023-04-04	13
4	2023-04-05	14
5	2023-04-06	15
6	2023-04-07	16
7	2023-04-08	17
8	2023-04-09	18
9	2023-04-10	19
0	2023-04-11	20
1	2023-04-12	21
2	2023-04-13	22
3	2023-04-14	23
4	2023-04-15	24
5	2023-04-16	25
6	2023-04-17	26
7	2023-04-18	27
8	2023-04-19	28
9	2023-04-20	29
0	2023-04-21	30
1	2023-04-22	31
2	2023-04-23	32
3	2023-04-24	33
4	2023-04-25	34
5	2023-04-26	35
6	2023-04-27	36
7	2023-04-28	37
8	2023-04-29	38
9	2023-04-30	39
0	2023-05-01	0
1	2023-05-02	1
2	2023-05-03	2
3	2023-05-04	3
4	2023-05-05	4
5	2023-05-06	5
6	2023-05-07	6
7	2023-05-08	7
8	2023-05-09	8
9	2023-05-10	9
0	2023-05-11	10
1	2023-05-12	11
2	2023-05-13	12
3	2023-05-14	13
4	2023-05-15	14
5	2023-05-16	15
6	2023-05-17	16
7	2023-05-18	17
8	2023-05-19	18
9	2023-05-20	19
0	2023-05-21	20
1	2023-05-22	21
2	2023-05-23	22
3	2023-05-24	23
4	2023-05-25	24
5	2023-05-26	25
6	2023-05-27	26
7	2023-05-28	27
8	2023-05-29	28
9	2023-05-30	29
0	2023-05-31	30
1	2023-06-01	31
2	2023-06-02	32
3	2023-06-03	33
4	2023-06-04	34
5	2023-06-05	35
6	2023-06-06	36
7	2023-06-07	37
8	2023-06-08	38
9	2023-06-09	39
0	2023-06-10	0
1	2023-06-11	1
2	2023-06-12	2
3	2023-06-13	3
4	2023-06-14	4
5	2023-06-15	5
6	2023-06-16	6
7	2023-06-17	7
8	2023-06-18	8
9	2023-06-19	9
0	2023-06-20	10
1	2023-06-21	11
2	2023-06-22	12
3	2023-06-23	13
4	2023-06-24	14
5	2023-06-25	15
6	2023-06-26	16
7	2023-06-27	17
8	2023-06-28	18
9	2023-06-29	19
0	2023-06-30	20
1	2023-07-01	21
2	2023-07-02	22
3	2023-07-03	23
4	2023-07-04	24
5	2023-07-05	25
6	2023-07-06	26
7	2023-07-07	27
8	2023-07-08	28
9	2023-07-09	29
0	2023-07-10	30
1	2023-07-11	31
2	2023-07-12	32
3	2023-07-13	33
4	2023-07-14	34
5	2023-07-15	35
6	2023-07-16	36
7	2023-07-17	37
8	2023-07-18	38
9	2023-07-19	39
0	2023-07-20	0
1	2023-07-21	1
2	2023-07-22	2
3	2023-07-23	3
4	2023-07-24	4
5	2023-07-25	5
6	2023-07-26	6
7	2023-07-27	7
8	2023-07-28	8
9	2023-07-29	9
0	2023-07-30	10
1	2023-07-31	11
2	2023-08-01	12
3	2023-08-02	13
4	2023-08-03	14
5	2023-08-04	15
6	2023-08-05	16
7	2023-08-06	17
8	2023-08-07	18
9	2023-08-08	19
0	2023-08-09	20
1	2023-08-10	21
2	2023-08-11	22
3	2023-08-12	23
4	2023-08-13	24
5	2023-08-14	25
6	2023-08-15	26
7	2023-08-16	27
8	2023-08-17	28
9	2023-08-18	29
0	2023-08-19	30
1	2023-08-20	31
2	2023-08-21	32
3	2023-08-22	33
4	2023-08-23	34
5	2023-08-24	35
6	2023-08-25	36
7	2023-08-26	37
8	2023-08-27	38
9	2023-08-28	39
0	2023-08-29	0
1	2023-08-30	1
2	2023-08-31	2
3	2023-09-01	3
4	2023-09-02	4
5	2023-09-03	5
6	2023-09-04	6
7	2023-09-05	7
8	2023-09-06	8
9	2023-09-07	9
0	2023-09-08	10
1	2023-09-09	11
2	2023-09-10	12
3	2023-09-11	13
4	2023-09-12	14
5	2023-09-13	15
6	2023-09-14	16
7	2023-09-15	17
8	2023-09-16	18
9	2023-09-17	19
0	2023-09-18	20
1	2023-09-19	21
2	2023-09-20	22
3	2023-09-21	23
4	2023-09-22	24
5	2023-09-23	25
6	2023-09-24	26
7	2023-09-25	27
8	2023-09-26	28
9	2023-09-27	29
0	2023-09-28	30
1	2023-09-29	31
2	2023-09-30	32
3	2023-10-01	33
4	2023-10-02	34
5	2023-10-03	35
6	2023-10-04	36
7	2023-10-05	37
8	2023-10-06	38
9	2023-10-07	39
0	2023-10-08	0
1	2023-10-09	1
2	2023-10-10	2
3	2023-10-11	3
4	2023-10-12	4
5	2023-10-13	5
6	2023-10-14	6
7	2023-10-15	7
8	2023-10-16	8
9	2023-10-17	9
0	2023-10-18	10
1	2023-10-19	11
2	2023-10-20	12
3	2023-10-21	13
4	2023-10-22	14
5	2023-10-23	15
6	2023-10-24	16
7	2023-10-25	17
8	2023-10-26	18
9	2023-10-27	19
0	2023-10-28	20
1	2023-10-29	21
2	2023-10-30	22
3	2023-10-31	23
4	2023-11-01	24
5	2023-11-02	25
6	2023-11-03	26
7	2023-11-04	27
8	2023-11-05	28
9	2023-11-06	29
0	2023-11-07	30
1	2023-11-08	31
2	2023-11-09	32
3	2023-11-10	33
4	2023-11-11	34
5	2023-11-12	35
6	2023-11-13	36
7	2023-11-14	37
8	2023-11-15	38
9	2023-11-16	39
0	2023-11-17	0
1	2023-11-18	1
2	2023-11-19	2
3	2023-11-20	3
4	2023-11-21	4
5	2023-11-22	5
6	2023-11-23	6
7	2023-11-24	7
8	2023-11-25	8
9	2023-11-26	9
0	2023-11-27	10
1	2023-11-28	11
2	2023-11-29	12
3	2023-11-30	13
4	2023-12-01	14
5	2023-12-02	15
6	2023-12-03	16
7	2023-12-04	17
8	2023-12-05	18
9	2023-12-06	19
0	2023-12-07	20
1	2023-12-08	21
2	2023-12-09	22
3	2023-12-10	23
4	2023-12-11	24
5	2023-12-12	25
6	2023-12-13	26
7	2023-12-14	27
8	2023-12-15	28
9	2023-12-16	29
0	2023-12-17	30
1	2023-12-18	31
2	2023-12-19	32
3	2023-12-20	33
4	2023-12-21	34
5	2023-12-22	35
6	2023-12-23	36
7	2023-12-24	37
8	2023-12-25	38
9	2023-12-26	39
0	2023-12-27	0
1	2023-12-28	1
2	2023-12-29	2
3	2023-12-30	3
4	2023-12-31	4
\.


--
-- Data for Name: measurements_2024; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.measurements_2024 (city_id, logdate, peaktemp) FROM stdin;
5	2024-01-01	5
6	2024-01-02	6
7	2024-01-03	7
8	2024-01-04	8
9	2024-01-05	9
0	2024-01-06	10
1	2024-01-07	11
2	2024-01-08	12
3	2024-01-09	13
4	2024-01-10	14
5	2024-01-11	15
6	2024-01-12	16
7	2024-01-13	17
8	2024-01-14	18
9	2024-01-15	19
0	2024-01-16	20
1	2024-01-17	21
2	2024-01-18	22
3	2024-01-19	23
4	2024-01-20	24
5	2024-01-21	25
6	2024-01-22	26
7	2024-01-23	27
8	2024-01-24	28
9	2024-01-25	29
0	2024-01-26	30
1	2024-01-27	31
2	2024-01-28	32
3	2024-01-29	33
4	2024-01-30	34
5	2024-01-31	35
6	2024-02-01	36
7	2024-02-02	37
8	2024-02-03	38
9	2024-02-04	39
0	2024-02-05	0
1	2024-02-06	1
2	2024-02-07	2
3	2024-02-08	3
4	2024-02-09	4
5	2024-02-10	5
6	2024-02-11	6
7	2024-02-12	7
8	2024-02-13	8
9	2024-02-14	9
0	2024-02-15	10
1	2024-02-16	11
2	2024-02-17	12
3	2024-02-18	13
4	2024-02-19	14
5	2024-02-20	15
6	2024-02-21	16
7	2024-02-22	17
8	2024-02-23	18
9	2024-02-24	19
0	2024-02-25	20
1	2024-02-26	21
2	2024-02-27	22
3	2024-02-28	23
4	2024-02-29	24
5	2024-03-01	25
6	2024-03-02	26
7	2024-03-03	27
8	2024-03-04	28
9	2024-03-05	29
0	2024-03-06	30
1	2024-03-07	31
2	2024-03-08	32
3	2024-03-09	33
4	2024-03-10	34
5	2024-03-11	35
6	2024-03-12	36
7	2024-03-13	37
8	2024-03-14	38
9	2024-03-15	39
0	2024-03-16	0
1	2024-03-17	1
2	2024-03-18	2
3	2024-03-19	3
4	2024-03-20	4
5	2024-03-21	5
6	2024-03-22	6
7	2024-03-23	7
8	2024-03-24	8
9	2024-03-25	9
0	2024-03-26	10
1	2024-03-27	11
2	2024-03-28	12
3	2024-03-29	13
4	2024-03-30	14
5	2024-03-31	15
6	2024-04-01	16
7	2024-04-02	17
8	2024-04-03	18
9	2024-04-04	19
0	2024-04-05	20
1	2024-04-06	21
2	2024-04-07	22
3	2024-04-08	23
4	2024-04-09	24
5	2024-04-10	25
6	2024-04-11	26
7	2024-04-12	27
8	2024-04-13	28
9	2024-04-14	29
0	2024-04-15	30
1	2024-04-16	31
2	2024-04-17	32
3	2024-04-18	33
4	2024-04-19	34
5	2024-04-20	35
6	2024-04-21	36
7	2024-04-22	37
8	2024-04-23	38
9	2024-04-24	39
0	2024-04-25	0
1	2024-04-26	1
2	2024-04-27	2
3	2024-04-28	3
4	2024-04-29	4
5	2024-04-30	5
6	2024-05-01	6
7	2024-05-02	7
8	2024-05-03	8
9	2024-05-04	9
0	2024-05-05	10
1	2024-05-06	11
2	2024-05-07	12
3	2024-05-08	13
4	2024-05-09	14
5	2024-05-10	15
6	2024-05-11	16
7	2024-05-12	17
8	2024-05-13	18
9	2024-05-14	19
0	2024-05-15	20
\.


--
-- Data for Name: one_col; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.one_col (v) FROM stdin;
\\.
\\.
\N
\n

\.


--
-- Data for Name: tricky; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.tricky (id, t, b, j) FROM stdin;
1	multi\nline\r\nvalue	\\x000102ff0a0d5c	{"a": "x\\ny"}
2	\\.	\\x5c2e	\N
3	\\.\n	\N	[1, 2]
4	\t\t	\\x	{}
5	\N	\N	\N
6	東京都 — 「引用」	\\xabababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababab	{"k": "日本"}
7		\\x0a	null
\.


--
-- Name: loans_id_seq; Type: SEQUENCE SET; Schema: public; Owner: postgres
--

SELECT pg_catalog.setval('public.loans_id_seq', 400, true);


--
-- Name: ticket_seq; Type: SEQUENCE SET; Schema: public; Owner: postgres
--

SELECT pg_catalog.setval('public.ticket_seq', 100, true);


--
-- Data for Name: BLOBS; Type: BLOBS; Schema: -; Owner: -
--

BEGIN;

SELECT pg_catalog.lo_open('16437', 131072);
SELECT pg_catalog.lo_close(0);

SELECT pg_catalog.lo_open('16438', 131072);
SELECT pg_catalog.lowrite(0, '\x68656c6c6f0a6c61726765206f626a656374');
SELECT pg_catalog.lo_close(0);

SELECT pg_catalog.lo_open('16439', 131072);
SELECT pg_catalog.lowrite(0, '\x00ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff1000ff10');
SELECT pg_catalog.lo_close(0);

COMMIT;

--
-- Name: loans loans_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.loans
    ADD CONSTRAINT loans_pkey PRIMARY KEY (id);


--
-- Name: mv_counts; Type: MATERIALIZED VIEW DATA; Schema: public; Owner: postgres
--

REFRESH MATERIALIZED VIEW public.mv_counts;


--
-- PostgreSQL database dump complete
--

\unrestrict ECmoJi9QDAVecLgDf3KBZOTWiDCnVp5pmqYEZbXwYAfFlGJNbS382byl1raSV7r

