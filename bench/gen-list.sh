#!/bin/sh
# Writes an OPD list of N civil servants with valid, distinct NIPs, in the
# shape agencies send: BOM, semicolons, CRLF.
# usage: gen-list.sh N > list.csv
n=${1:?usage: gen-list.sh N}
awk -v n="$n" 'BEGIN {
	split("Agus Budi Citra Dewi Eka Fajar Gita Hadi Indah Joko Kartika Lestari Made Nur Putri Rahmat Sari Tono Wahyu Yuni", first, " ");
	split("Santoso Rahma Wijaya Kusuma Pratama Hidayat Saputra Lestari Nugroho Setiawan Siregar Harahap Wibowo Utami Sudarsana", last, " ");
	printf "\357\273\277No;Nama;NIP;Jabatan;Nomor Kontak\r\n";
	for (i = 0; i < n; i++) {
		# birth 1970-1999, day 01-28; TMT 25 years later; serial from i
		year = 1970 + (i % 30); month = 1 + int(i / 30) % 12; day = 1 + int(i / 360) % 28;
		gender = 1 + (i % 2); serial = 1 + int(i / 10080) % 999;
		printf "%d;%s %s;%04d%02d%02d%04d%02d%d%03d;Staf;08%010d\r\n", i + 1,
			first[1 + i % 20], last[1 + int(i / 20) % 15],
			year, month, day, year + 25, month, gender, serial, 1100000000 + i;
	}
}'
