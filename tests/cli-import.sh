#!/bin/sh
# asnctl init / import / add, as an admin runs them.
. "$top_srcdir/tests/tap.sh"
tap_setup --store
data="$top_srcdir/tests/data"
db=$tap_db

run 69 "import before init refused" -- asnctl import --opd X --sheet "$work/s0.csv" "$data/dinkes.csv"
contains "$work/stderr" "run 'asnctl init' first" "says to run init"

run 0 "init creates the database" -- asnctl init
contains "$work/stdout" "created (schema version $(db_schema_version))" "init reports creation"
sqlite_only "the database file's and directory's modes" 2 && {
[ "$(stat -c %a "$db")" = 640 ]; ok $? "database file is 0640"
[ "$(stat -c %a "$work/db")" = 750 ]; ok $? "database directory is 0750"
}
run 0 "init again is a no-op" -- asnctl init
contains "$work/stdout" "up to date" "init reports up to date"

# A broken list is refused whole, every bad line named.
run 65 "broken list refused" -- asnctl import --opd Diskominfo --sheet "$work/broken-sheet.csv" "$data/broken.csv"
sed "s|$data/||" "$work/stderr" >"$work/broken.err"
golden "$work/broken.err" import-broken.err "every bad line reported as FILE:LINE: reason"
[ ! -e "$work/broken-sheet.csv" ]; ok $? "no sheet written for a refused list"
[ "$(db_query 'select count(*) from accounts')" = 0 ]; ok $? "no account written for a refused list"
[ "$(db_query 'select count(*) from audit')" = 0 ]; ok $? "no audit written for a refused list"

# --skip-invalid imports the good rows only.
run 0 "--skip-invalid imports the valid rows" -- asnctl import --opd Diskominfo --skip-invalid --sheet "$work/skip-sheet.csv" "$data/broken.csv"
contains "$work/stdout" "2 created, 0 existing, 7 rejected" "summary counts created, existing, rejected"
[ "$(db_query 'select group_concat(email) from (select email from accounts order by email) a')" = "budi.santoso@jatimprov.go.id,fajar@jatimprov.go.id" ]
ok $? "only the two valid rows were created"

# A realistic list: BOM, semicolons, CRLF, quotes, titles, name collisions.
run 0 "realistic Diskominfo list imported" -- asnctl import --opd "Dinas Komunikasi dan Informatika" --letter "800/123/114.1/2026" --sheet "$work/sheet.csv" "$data/diskominfo.csv"
contains "$work/stdout" "6 created, 0 existing, 0 rejected" "six created"
lacks "$work/stderr" "hashing" "no progress bar when stderr is not a terminal"
[ "$(stat -c %a "$work/sheet.csv")" = 600 ]; ok $? "credential sheet is mode 0600"
head -c 3 "$work/sheet.csv" | od -An -tx1 | grep -q "ef bb bf"; ok $? "sheet starts with a UTF-8 BOM for Excel"
head -1 "$work/sheet.csv" | grep -q "email;password;nip;name;opd;password_expires"; ok $? "sheet uses the list's ';' separator"
[ "$(tail -n +2 "$work/sheet.csv" | wc -l)" = 6 ]; ok $? "sheet has one row per new account"
for addr in ahmad.fauzi siti.rahma siti.rahma2 sri.wahyuni bambang.sutrisno made.sudarsana; do
	grep -q "^$addr@jatimprov.go.id;" "$work/sheet.csv"; ok $? "derived address $addr"
done
contains "$work/sheet.csv" "2026-12-06 09:00 UTC" "sheet says when the default password expires"

# Every password in the sheet verifies with Dovecot; none is in the database.
all_verified=0; none_in_db=0; none_in_output=0
tail -n +2 "$work/sheet.csv" | tr -d '\r' | while IFS=';' read -r email pw rest; do
	hash=$(db_query "select password from accounts where email = '$email'")
	"$DOVEADM" pw -t "$hash" -p "$pw" >/dev/null 2>&1 || echo "$email" >>"$work/unverified"
	db_grep "$pw" && echo "$email" >>"$work/indb"
	grep -qaF -- "$pw" "$work/stdout" "$work/stderr" && echo "$email" >>"$work/inoutput"
done
[ ! -e "$work/unverified" ]; ok $? "doveadm pw -t verifies every default password against its hash"
[ ! -e "$work/indb" ]; ok $? "no plaintext password in the database's files"
[ ! -e "$work/inoutput" ]; ok $? "no plaintext password on stdout or stderr"
[ "$(db_query "select count(*) from accounts where must_change = 1 and initial_password_expires_at = $ASN_NOW + 14*86400")" = 8 ]
ok $? "new accounts must change, expiring after 14 days"
[ "$(db_query "select count(*) from audit where action = 'import' and detail like '%letter 800/123/114.1/2026'")" = 6 ]
ok $? "each creation is audited with the letter reference"
[ "$(db_query "select letter_ref || '|' || created from imports order by id desc limit 1")" = "800/123/114.1/2026|6" ]
ok $? "the import itself is recorded"
[ "$(db_query "select phone from accounts where nip = '199001012015032001'")" = "+6281311112222" ]
ok $? "phone stored in +62 form"
[ "$(db_query "select position from accounts where nip = '197806152005012004'")" = 'Kepala Seksi "Layanan" Publik' ]
ok $? "quoted field with doubled quotes stored"

# Importing the same list again changes nothing.
before=$(db_query "select group_concat(email || password, ',') from accounts")
run 0 "re-import is idempotent" -- asnctl import --opd Diskominfo --sheet "$work/sheet-again.csv" "$data/diskominfo.csv"
contains "$work/stdout" "0 created, 6 existing, 0 rejected" "re-import counts existing"
[ ! -e "$work/sheet-again.csv" ]; ok $? "no sheet when nothing was created"
[ "$before" = "$(db_query "select group_concat(email || password, ',') from accounts")" ]
ok $? "existing accounts untouched"

# The sheet is never overwritten.
run 73 "existing sheet refused" -- asnctl import --sheet "$work/sheet.csv" "$data/dinkes.csv"
contains "$work/stderr" "never overwritten" "says the sheet is never overwritten"
[ "$(db_query "select count(*) from accounts where opd = 'Dinas Kesehatan'")" = 0 ]; ok $? "nothing imported when the sheet exists"

# Comma list with an OPD column, no --opd.
run 0 "comma list with Unit Kerja column" -- asnctl import --sheet "$work/dinkes-sheet.csv" "$data/dinkes.csv"
[ "$(db_query "select count(*) from accounts where opd = 'Dinas Kesehatan'")" = 2 ]; ok $? "OPD taken from the column"
head -1 "$work/dinkes-sheet.csv" | grep -q "email,password"; ok $? "sheet uses the list's ',' separator"

# add: one account, same validation.
run 65 "add with a bad NIP refused" -- asnctl add --name "Tono" --nip 19901301201503100 --opd X --sheet "$work/add0.csv"
contains "$work/stderr" "--nip: NIP '19901301201503100' has 17 digits" "add names the option"
run 0 "add one account" -- asnctl add --name "Drs. Tono Wijaya, M.Si" --nip "19700101 199503 1 007" --phone 081234000111 --position Staf --opd Bappeda --sheet "$work/add.csv"
grep -q "^tono.wijaya@jatimprov.go.id," "$work/add.csv"; ok $? "add derived tono.wijaya"
run 65 "add an existing NIP refused" -- asnctl add --name "Tono" --nip 197001011995031007 --opd X --sheet "$work/add2.csv"
contains "$work/stderr" "197001011995031007 already has an account" "says the NIP exists"
run 65 "add an address that is taken refused" -- asnctl add --name "Lain" --nip 197001011995031008 --email tono.wijaya@jatimprov.go.id --opd X --sheet "$work/add3.csv"
contains "$work/stderr" "already belongs to NIP 197001011995031007" "names the owner"

# Usage errors.
run 64 "import without --sheet is a usage error" -- asnctl import "$data/dinkes.csv"
run 66 "missing list" -- asnctl import --opd X --sheet "$work/x.csv" "$work/nope.csv"
printf 'Nama,NIP\nNew Person,199501012020121001\n' >"$work/new.csv"
run 64 "no domain and no Email column" -- "$ASNCTL" -c /dev/null --db "$db" import --opd X --sheet "$work/nodomain.csv" "$work/new.csv"
contains "$work/stderr" "give --domain or set asn_domain" "says how to give a domain"
run 0 "import --help" -- asnctl import --help
contains "$work/stdout" "usage: asnctl import" "help shows usage"
run 0 "--dry-run writes nothing" -- asnctl import --dry-run --opd X "$data/broken.csv" --skip-invalid
contains "$work/stdout" "dry run, nothing written" "dry run says so"
run 78 "bad setting named with FILE:LINE" -- sh -c "printf 'asn_domain = x.go.id\nasn_passwod_history = 3\n' > '$work/bad.conf'; '$ASNCTL' -c '$work/bad.conf' list"
contains "$work/stderr" "bad.conf:2: unknown setting 'asn_passwod_history'" "config error names FILE:LINE"

# The progress bar: on a terminal only.
printf 'Nama;NIP\r\nTeguh Prakoso;199201012019031001\r\nUmi Kalsum;199202022019032002\r\n' >"$work/tty.csv"
script -qec "'$ASNCTL' -c '$work/asnctl.conf' import --opd X --sheet '$work/tty-sheet.csv' '$work/tty.csv'" /dev/null >"$work/tty.out" 2>&1
contains "$work/tty.out" "hashing 2/2 [" "a progress bar on stderr when it is a terminal"
contains "$work/tty.out" "100%" "the bar reaches 100%"
# A Windows-1252 list is converted, with a warning.
printf 'Nama;NIP\r\nJos\351 Ram\355rez;199001012015031099\r\n' >"$work/cp1252.csv"
run 0 "Windows-1252 list imported" -- asnctl import --opd X --sheet "$work/cp-sheet.csv" "$work/cp1252.csv"
contains "$work/stderr" "read it as Windows-1252" "warns about the encoding"
[ "$(db_query "select email from accounts where nip = '199001012015031099'")" = "jose.ramirez@jatimprov.go.id" ]
ok $? "accented name transliterated in the address"

# Namesakes: first.last, first.last2, ... in list order, skipping the
# addresses in the database (siti.rahma and siti.rahma2 from the Diskominfo
# list) and the ones the list gives, even further down.
printf 'Nama;NIP;Email\n' >"$work/namesakes.csv"
for i in 1 2 3 4 5; do printf 'Siti Rahma;19850101201001200%d;\n' "$i"; done >>"$work/namesakes.csv"
printf 'Siti Rahma Lain;198501012010012006;siti.rahma4@jatimprov.go.id\n' >>"$work/namesakes.csv"
run 0 "namesakes: dry run" -- asnctl import --dry-run --opd X "$work/namesakes.csv"
cut -f1 "$work/stdout" | sed -n 's/^would create //p' | tr '\n' ' ' >"$work/namesakes.out"
[ "$(cat "$work/namesakes.out")" = "siti.rahma3@jatimprov.go.id siti.rahma5@jatimprov.go.id siti.rahma6@jatimprov.go.id siti.rahma7@jatimprov.go.id siti.rahma8@jatimprov.go.id siti.rahma4@jatimprov.go.id " ]
ok $? "derived addresses skip the database and an address given later in the list ($(cat "$work/namesakes.out"))"
run 0 "namesakes imported" -- asnctl import --opd X --sheet "$work/namesakes-sheet.csv" "$work/namesakes.csv"
[ "$(db_query "select count(*) from accounts where email like 'siti.rahma%'")" = 8 ]
ok $? "every namesake has an address of its own"
awk 'BEGIN { print "Nama;NIP"; for (i = 1; i <= 1500; i++) printf "Muhammad Rizki;%d01012010011%03d\n", 1950 + int((i - 1) / 999), 1 + (i - 1) % 999 }' >"$work/many.csv"
run 0 "1500 namesakes: dry run" -- asnctl import --dry-run --opd X "$work/many.csv"
[ "$(grep -c '^would create muhammad.rizki' "$work/stdout")" = 1500 ] &&
	grep -q '^would create muhammad.rizki1500@' "$work/stdout" &&
	[ "$(cut -f1 "$work/stdout" | sort | uniq -d | wc -l)" = 0 ]
ok $? "1500 namesakes get muhammad.rizki .. muhammad.rizki1500, no address twice"

# Hidden characters (bidi controls, zero-width) are refused like controls.
printf 'Nama;NIP;Jabatan;OPD\nSiti \342\200\256amhaR;198601012010012001;Staf;Dinkes\nBudi Zero\342\200\213;198601012010011002;Staf;Dinkes\nAni;198601012010012003;Ka\342\201\247si;Dinkes\nTono;198601012010011004;Staf;Din\357\273\277kes\n' >"$work/hidden.csv"
run 65 "names with bidi or zero-width characters refused" -- asnctl import --sheet "$work/hidden-sheet.csv" "$work/hidden.csv"
contains "$work/stderr" "hidden.csv:2: Nama: contains U+202E, a bidirectional control" "bidi override named with FILE:LINE"
contains "$work/stderr" "hidden.csv:3: Nama: contains U+200B, an invisible zero-width character" "zero-width space named"
contains "$work/stderr" "hidden.csv:4: Jabatan: contains U+2067" "in the position too"
contains "$work/stderr" "hidden.csv:5: OPD: contains U+FEFF" "in the OPD too"
[ ! -e "$work/hidden-sheet.csv" ]; ok $? "no sheet for a list with hidden characters"
run 65 "add --name with a bidi override refused" -- asnctl add --name "$(printf 'Siti \342\200\256Rahma')" --nip 198601012010012001 --opd X --sheet "$work/add-hidden.csv"
contains "$work/stderr" "--name: contains U+202E" "names the option"
run 65 "import --opd with a zero-width joiner refused" -- asnctl import --opd "$(printf 'Din\342\200\215kes')" --sheet "$work/opd-hidden.csv" "$work/new.csv"
contains "$work/stderr" "--opd: contains U+200D" "names --opd"

# A list mixing UTF-8 and Windows-1252 is refused, unless told how to read it.
printf 'Nama;NIP\r\nJos\303\251 Santos;198701012010011001\r\nRen\351 Putra;198701012010011002\r\n' >"$work/mixed.csv"
run 65 "mixed UTF-8 and Windows-1252 refused" -- asnctl import --opd X --sheet "$work/mixed-sheet.csv" "$work/mixed.csv"
contains "$work/stderr" "mixed.csv:3: not UTF-8, but line 2 is" "names the first non-UTF-8 line and a UTF-8 one"
[ ! -e "$work/mixed-sheet.csv" ]; ok $? "no sheet for a mixed list"
run 64 "unknown --encoding" -- asnctl import --encoding latin9 --opd X --sheet "$work/mixed-sheet.csv" "$work/mixed.csv"
run 65 "--encoding utf-8 refuses the Windows-1252 line" -- asnctl import --encoding utf-8 --opd X --sheet "$work/mixed-sheet.csv" "$work/mixed.csv"
contains "$work/stderr" "mixed.csv:3: not valid UTF-8" "names the line"
run 0 "--encoding mixed reads each line as it is" -- asnctl import --encoding mixed --opd X --sheet "$work/mixed-sheet.csv" "$work/mixed.csv"
contains "$work/stderr" "the first is line 3" "warns which lines were converted"
[ "$(db_query "select group_concat(name, '|') from (select name from accounts where nip like '19870101201001100_' order by nip) a")" = "$(printf 'Jos\303\251 Santos|Ren\303\251 Putra')" ]
ok $? "both names stored without mojibake"

# The credential sheet is not written where any user could replace it.
mkdir -p "$work/open" && chmod 0777 "$work/open"
printf 'Nama;NIP\nDewi Open;198801012010012001\n' >"$work/open.csv"
run 73 "sheet in a world-writable directory without sticky bit refused" -- asnctl import --opd X --sheet "$work/open/sheet.csv" "$work/open.csv"
contains "$work/stderr" "is writable by every user and has no sticky bit" "says why"
[ ! -e "$work/open/sheet.csv" ]; ok $? "no sheet written there"
[ "$(db_query "select count(*) from accounts where nip = '198801012010012001'")" = 0 ]; ok $? "no account created"
chmod 1777 "$work/open"
run 0 "sheet in a sticky world-writable directory (like /tmp) accepted" -- asnctl import --opd X --sheet "$work/open/sheet.csv" "$work/open.csv"
[ "$(stat -c %a "$work/open/sheet.csv")" = 600 ]; ok $? "that sheet is 0600"

# Rows after refused ones: the lookups and inserts prepared once for the
# whole list (kept statements) are bound afresh for each row, whether the
# row before found an account (existing NIP, taken address) or not.
printf 'Nama;NIP;Email\nAndi Satu;198901012010011001;\nDewi Open;198801012010012001;\nBudi Dua;198901012010011002;siti.rahma@jatimprov.go.id\nCici Tiga;198901012010011003;\nDodi Empat;198901012010011004;dodi.empat@jatimprov.go.id\n' >"$work/after-refused.csv"
run 0 "a list with an existing row and a refused one in the middle" -- asnctl import --opd Kept --skip-invalid --sheet "$work/after-refused-sheet.csv" "$work/after-refused.csv"
contains "$work/stdout" "3 created, 1 existing, 1 rejected" "counts the rows around them"
contains "$work/stderr" "after-refused.csv:4: Email: siti.rahma@jatimprov.go.id already belongs to NIP" "names the refused row"
[ "$(db_query "select group_concat(name || '|' || nip || '|' || email, ',') from (select * from accounts where opd = 'Kept' order by nip) a")" = "Andi Satu|198901012010011001|andi.satu@jatimprov.go.id,Cici Tiga|198901012010011003|cici.tiga@jatimprov.go.id,Dodi Empat|198901012010011004|dodi.empat@jatimprov.go.id" ]
ok $? "each row after them stored with its own name, NIP and address"
[ "$(db_query "select count(*) from audit a join accounts c on c.id = a.account_id and c.email = a.email where c.opd = 'Kept' and a.action = 'import'")" = 3 ]
ok $? "each audited with its own account"

tap_finish
