#!/bin/sh
# A generated site for the query benchmarks: ACCOUNTS accounts in 50 OPDs
# (default 250000) and their BSrE events (80% activation, 60% account
# info, 40% set passphrase, 25% certificate: ~2 events per account), in
# the databases of asnctl init.
# usage: bench/gen-bsre-db.sh ASNCTL CONFIG [ACCOUNTS]
set -eu
asnctl=$1; conf=$2; n=${3:-250000}
db=$(sed -n 's/^asn_db *= *//p' "$conf")
"$asnctl" -c "$conf" init >/dev/null
sqlite3 "$db" <<SQL
ATTACH '$(dirname "$db")/bsre/bsre.db' AS bsre;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
INSERT INTO accounts (email, password, must_change, nip, name, opd, password_set_at,
                      initial_password_expires_at, created_at)
SELECT 'user' || i || '@bench.go.id', '{SHA512-CRYPT}x', i % 3 = 0,
       printf('19800101%010d', i), 'Pegawai ' || i, printf('OPD %02d', i % 50),
       1790000000, NULL, 1790000000 + i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n),
     kinds(k, type, pct, subject) AS (VALUES
       (0, 'account_activation', 80, '[BSrE] Aktivasi Akun'),
       (1, 'account_info', 60, '[BSrE] Informasi Akun'),
       (2, 'set_passphrase', 40, '[BSrE] Set Passphrase'),
       (3, 'certificate_issued', 25, '[BSrE] Sertifikat Elektronik Terbit'))
INSERT INTO bsre.bsre_events (email, message_key, type, received_at, trusted, subject, sender,
                              source, recorded_at, cert_serial, cert_common_name,
                              cert_organization, cert_valid_until)
SELECT 'user' || i || '@bench.go.id', 'm' || k || '.' || i || '@bssn.go.id', type,
       1790000000 + i + k * 86400, 1, subject, 'noreply@bssn.go.id', 'lmtp', 1790000000,
       CASE WHEN k = 3 THEN printf('%08X', i) END, CASE WHEN k = 3 THEN 'PEGAWAI ' || i END,
       CASE WHEN k = 3 THEN 'Pemerintah Provinsi' END, CASE WHEN k = 3 THEN '2027-04-30' END
FROM n, kinds WHERE (i * 7919) % 100 < pct;
COMMIT;
ANALYZE;
SQL
