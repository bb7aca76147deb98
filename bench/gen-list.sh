#!/bin/sh
# Writes an OPD list of N civil servants with valid, distinct NIPs, in the
# shape agencies send: BOM, semicolons, CRLF.
#   varied     20 first names x 15 family names (many namesakes), the default
#   identical  everyone is "Siti Rahma": siti.rahma, siti.rahma2, ...
#   distinct   a first.last address of its own for each (up to 540,000)
# usage: gen-list.sh N [varied|identical|distinct] > list.csv
n=${1:?usage: gen-list.sh N [varied|identical|distinct]}
names=${2:-varied}
case $names in varied|identical|distinct) ;; *) echo "gen-list.sh: unknown names '$names'" >&2; exit 64;; esac
awk -v n="$n" -v names="$names" 'BEGIN {
	split("Agus Budi Citra Dewi Eka Fajar Gita Hadi Indah Joko Kartika Lestari Made Nur Putri Rahmat Sari Tono Wahyu Yuni", first, " ");
	split("Santoso Rahma Wijaya Kusuma Pratama Hidayat Saputra Lestari Nugroho Setiawan Siregar Harahap Wibowo Utami Sudarsana", last, " ");
	split("Ka ri to ma nu se di lo pa wi ga hu je ko la mi ne po ra su ta ye ba ce fa go he jo ku le", syl, " ");
	printf "\357\273\277No;Nama;NIP;Jabatan;Nomor Kontak\r\n";
	for (i = 0; i < n; i++) {
		# birth 1970-1999, day 01-28; TMT 25 years later; serial from i
		year = 1970 + (i % 30); month = 1 + int(i / 30) % 12; day = 1 + int(i / 360) % 28;
		gender = 1 + (i % 2); serial = 1 + int(i / 10080) % 999;
		if (names == "identical")
			name = "Siti Rahma";
		else if (names == "distinct")
			name = first[1 + i % 20] " " toupper(substr(syl[1 + int(i / 20) % 30], 1, 1)) \
				tolower(substr(syl[1 + int(i / 20) % 30], 2)) \
				tolower(syl[1 + int(i / 600) % 30]) tolower(syl[1 + int(i / 18000) % 30]);
		else
			name = first[1 + i % 20] " " last[1 + int(i / 20) % 15];
		printf "%d;%s;%04d%02d%02d%04d%02d%d%03d;Staf;08%010d\r\n", i + 1, name,
			year, month, day, year + 25, month, gender, serial, 1100000000 + i;
	}
}'
