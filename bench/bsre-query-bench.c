/* Verifier queries over a generated site (bench/gen-bsre-db.sh): the time of
   one status (a user's timeline and diagnosis, as asnctl status and doveadm
   asn status compute it) and of one OPD's progress report, in process, on
   a warm database, opened as the portal and asnctl progress open it
   (writable: the accounts' BSrE progress is kept up to date).
   usage: bsre-query-bench CONFIG ACCOUNTS [STATUS-CALLS] */
#include "asn-bsre-report.h"
#include "asn-settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct asn_settings set;
	struct asn_store *store;
	struct asn_error err;
	unsigned int accounts, calls, found = 0;
	double start, status_time, worst_opd = 0, sum_opd = 0, all_time, *call_times;
	size_t events = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: bsre-query-bench CONFIG ACCOUNTS [STATUS-CALLS]\n");
		return 64;
	}
	accounts = (unsigned int)atoi(argv[2]);
	calls = argc > 3 ? (unsigned int)atoi(argv[3]) : 10000;
	asn_settings_init(&set);
	if (asn_settings_read_file(&set, argv[1], &err) < 0 ||
	    asn_store_open(&set, true, &store, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	srand(1);
	call_times = calloc(calls, sizeof(*call_times));
	status_time = 0;
	for (unsigned int i = 0; i < calls; i++) {
		struct asn_bsre_status st;
		struct asn_str json = { NULL, 0, 0 };
		char user[64];

		snprintf(user, sizeof(user), "user%u@bench.go.id", 1 + (unsigned int)rand() % accounts);
		start = now();
		if (asn_bsre_status_load(store, &set, user, 1795338000, &st, &err) > 0) {
			found++;
			events += st.event_count;
			asn_bsre_status_json(&st, &json);
			asn_bsre_status_free(&st);
		}
		asn_str_free(&json);
		call_times[i] = now() - start;
		status_time += call_times[i];
	}
	status_time /= calls;
	qsort(call_times, calls, sizeof(*call_times), cmp_double);
	for (unsigned int o = 0; o < 50; o++) {
		struct asn_bsre_progress_filter filter = { 0 };
		struct asn_bsre_progress_report report;
		char opd[16];
		double t;

		snprintf(opd, sizeof(opd), "OPD %02u", o);
		filter.opd = opd;
		start = now();
		if (asn_bsre_progress_report_build(store, &set, &filter, 1795338000, &report, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		t = now() - start;
		sum_opd += t;
		if (t > worst_opd)
			worst_opd = t;
		asn_bsre_progress_report_free(&report);
	}
	{
		struct asn_bsre_progress_filter filter = { 0 };
		struct asn_bsre_progress_report report;

		start = now();
		asn_bsre_progress_report_build(store, &set, &filter, 1795338000, &report, &err);
		all_time = now() - start;
		printf("progress, all %zu OPDs:    %8.1f ms (%u users)\n", report.opd_count,
		       all_time * 1000, report.total.users);
		asn_bsre_progress_report_free(&report);
	}
	printf("status:                  %8.3f ms per user (%u calls, %u found, %.1f events each)\n",
	       status_time * 1000, calls, found, found ? (double)events / found : 0.0);
	printf("status p50, p99:         %8.3f ms, %.3f ms\n", call_times[calls / 2] * 1000,
	       call_times[calls * 99 / 100] * 1000);
	free(call_times);
	printf("progress of one OPD:     %8.1f ms mean, %.1f ms worst (50 OPDs of ~%u users)\n",
	       sum_opd / 50 * 1000, worst_opd * 1000, accounts / 50);
	asn_store_close(&store);
	asn_settings_free(&set);
	return 0;
}
