/* asn-passwdd: password changes for webmail and portals, under the one
   policy.  Runs in the foreground (systemd), logs to stderr or syslog,
   never logs a password. */
#include "asn-config.h"
#include "passwdd.h"
#include "tool-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <unistd.h>


static void usage(FILE *out)
{
	fprintf(out,
		"usage: asn-passwdd [-c FILE | --dovecot-config FILE] [--db PATH]\n"
		"                   [--listen ADDR:PORT] [--syslog]\n"
		"\n"
		"Password change service for webmail (Roundcube password plugin, httpapi\n"
		"driver): POST /password with form fields user, curpass, newpass.\n"
		"\n"
		"Settings come from Dovecot's configuration (doveconf) unless -c names a file.\n"
		"\n"
		"  -c, --config FILE    read the settings from FILE only, not from Dovecot\n"
		"      --dovecot-config FILE\n"
		"                       Dovecot's configuration to ask (doveconf -c FILE)\n"
		"      --db PATH        database, overrides asn_db\n"
		"  -l, --listen A:P     address to listen on (default asn_passwdd_listen,\n"
		"                       127.0.0.1:8089)\n"
		"      --syslog         log to syslog (facility mail) instead of stderr\n"
		"  -h, --help, -V, --version\n");
}

/* What main() holds before it serves, freed when it cannot start (a
   refused setting must not read as a leak under ASan). */
static int start_failed(struct passwdd *d, int status)
{
	asn_web_proxies_free(&d->proxies);
	asn_settings_free(&d->set);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dovecot-config", required_argument, NULL, 'D' },
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct passwdd d;
	struct asn_error err;
	union asn_web_sockaddr addr;
	struct MHD_Daemon *daemon;
	struct asn_tool_config config = { NULL, NULL, "", "" };
	const char *db = NULL, *listen_spec = NULL;
	int opt, ret;

	memset(&d, 0, sizeof(d));
	d.log.ident = "asn-passwdd";
	asn_settings_init(&d.set);
	while ((opt = getopt_long(argc, argv, "c:l:hV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'c': config.file = optarg; break;
		case 'D': config.dovecot_config = optarg; break;
		case 'd': db = optarg; break;
		case 'l': listen_spec = optarg; break;
		case 's': d.log.use_syslog = true; break;
		case 'h': usage(stdout); return EX_OK;
		case 'V': printf("asn-passwdd (dovecot-asn) " PACKAGE_VERSION "\n"); return EX_OK;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if (d.log.use_syslog)
		openlog("asn-passwdd", LOG_PID, LOG_MAIL);
	if (config.file != NULL && config.dovecot_config != NULL) {
		asn_web_log(&d.log, LOG_ERR, "-c and --dovecot-config exclude each other");
		return EX_USAGE;
	}
	ret = asn_tool_read_config(&d.set, &config, &err);
	if (ret != EX_OK) {
		asn_web_log(&d.log, LOG_ERR, "%s", err.msg);
		return ret;
	}
	if (config.warning[0] != '\0')
		asn_web_log(&d.log, LOG_WARNING, "%s", config.warning);
	asn_web_log(&d.log, LOG_INFO, "settings from %s", config.source);
	if (db != NULL)
		asn_settings_set(&d.set, "asn_db", db, &err);
	if (listen_spec != NULL)
		asn_settings_set(&d.set, "asn_passwdd_listen", listen_spec, &err);
	if (asn_settings_check(&d.set, &err) < 0) {
		asn_web_log(&d.log, LOG_ERR, "%s: %s", config.source, err.msg);
		return start_failed(&d, EX_CONFIG);
	}
	if (asn_web_listen_parse(d.set.passwdd_listen, &addr) < 0) {
		asn_web_log(&d.log, LOG_ERR, "listen address '%s' is not ADDR:PORT or [ADDR6]:PORT",
			    d.set.passwdd_listen);
		return start_failed(&d, EX_USAGE);
	}
	if (asn_web_proxies_parse(&d.proxies, "asn_passwdd_trusted_proxies",
				  d.set.passwdd_trusted_proxies, &err) < 0) {
		asn_web_log(&d.log, LOG_ERR, "%s", err.msg);
		return start_failed(&d, EX_CONFIG);
	}
	if (asn_password_lib_init(&err) < 0 || asn_policy_init(&d.policy, &d.set, &err) < 0) {
		asn_web_log(&d.log, LOG_ERR, "%s", err.msg);
		return start_failed(&d, EX_SOFTWARE);
	}
	{
		/* Refuse to start on a missing or foreign database rather than
		   answer 503 to every user. */
		struct asn_store *store;

		if (asn_store_open(&d.set, true, &store, &err) < 0) {
			asn_web_log(&d.log, LOG_ERR, "%s", err.msg);
			asn_policy_deinit(&d.policy);
			return start_failed(&d, asn_store_error_status(&err) ==
					    ASN_STORE_ERR_PERM ? EX_NOPERM : EX_UNAVAILABLE);
		}
		asn_store_close(&store);
	}
	/* Before any thread starts: they inherit TERM and INT blocked. */
	asn_web_signals_init();
	d.limits = asn_web_limits_new(d.set.passwdd_max_user_failures,
				      d.set.passwdd_max_client_failures,
				      d.set.passwdd_failure_window);
	d.conns = asn_web_conns_new(&d.proxies, &d.log, d.set.passwdd_request_timeout);
	if (d.conns == NULL) {
		asn_web_log(&d.log, LOG_ERR, "cannot start the connection watcher: %s",
			    strerror(errno));
		return EX_OSERR;
	}


	sem_init(&d.work_slots, 0, (unsigned int)(sysconf(_SC_NPROCESSORS_ONLN) > 1 ?
						  sysconf(_SC_NPROCESSORS_ONLN) : 2));
	daemon = passwdd_http_start(&d, &addr.sa);
	if (daemon == NULL) {
		asn_web_log(&d.log, LOG_ERR, "cannot listen on %s: %s", d.set.passwdd_listen,
			    strerror(errno));
		asn_web_conns_free(&d.conns);
		return EX_UNAVAILABLE;
	}
	asn_web_log(&d.log, LOG_INFO, "listening on %s, database %s", d.set.passwdd_listen, d.set.db);
	ret = asn_web_wait_for_signal();
	asn_web_log(&d.log, LOG_INFO, "stopping (signal %d)", ret);
	MHD_stop_daemon(daemon);
	asn_web_conns_free(&d.conns);
	sem_destroy(&d.work_slots);
	asn_web_limits_free(&d.limits);
	asn_web_proxies_free(&d.proxies);
	asn_policy_deinit(&d.policy);
	asn_settings_free(&d.set);
	return EX_OK;
}
