# The one median of the benchmarks (sourced).
#   median    the median of the numbers on stdin, one a line (of an even
#             count, the mean of the middle two); nothing on no input

median() {
	sort -n | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
