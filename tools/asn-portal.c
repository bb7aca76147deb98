/* asn-portal: the verifiers' portal.  Runs in the foreground (systemd),
   behind the site's HTTPS reverse proxy; logs to stderr or syslog, never
   a password, a session id or a token. */
#include "asn-config.h"
#include "portal.h"
#include "asn-password.h"
#include "tool-config.h"

#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: asn-portal [-c FILE | --dovecot-config FILE] [--db PATH]\n"
		"                  [--listen ADDR:PORT] [--syslog]\n"
		"\n"
		"The verifiers' portal: pages in Bahasa Indonesia and a JSON API (/api/v1/),\n"
		"each verifier seeing the people of their own OPDs only.  Meant to sit behind\n"
		"the site's HTTPS reverse proxy.\n"
		"\n"
		"Settings come from Dovecot's configuration (doveconf) unless -c names a file.\n"
		"\n"
		"  -c, --config FILE    read the settings from FILE only, not from Dovecot\n"
		"      --dovecot-config FILE\n"
		"                       Dovecot's configuration to ask (doveconf -c FILE)\n"
		"      --db PATH        database, overrides asn_db\n"
		"  -l, --listen A:P     address to listen on (default asn_portal_listen,\n"
		"                       127.0.0.1:8090)\n"
		"      --syslog         log to syslog (facility mail) instead of stderr\n"
		"  -h, --help, -V, --version\n");
}

static int start_failed(struct portal *p, int status)
{
	asn_web_proxies_free(&p->proxies);
	asn_settings_free(&p->set);
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
	struct portal p;
	struct asn_error err;
	union asn_web_sockaddr addr;
	struct MHD_Daemon *daemon;
	struct asn_tool_config config = { NULL, NULL, "", "" };
	const char *db = NULL, *listen_spec = NULL;
	int opt, ret;

	memset(&p, 0, sizeof(p));
	p.log.ident = "asn-portal";
	asn_settings_init(&p.set);
	while ((opt = getopt_long(argc, argv, "c:l:hV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'c': config.file = optarg; break;
		case 'D': config.dovecot_config = optarg; break;
		case 'd': db = optarg; break;
		case 'l': listen_spec = optarg; break;
		case 's': p.log.use_syslog = true; break;
		case 'h': usage(stdout); asn_settings_free(&p.set); return EX_OK;
		case 'V':
			printf("asn-portal (dovecot-asn) " PACKAGE_VERSION "\n");
			asn_settings_free(&p.set);
			return EX_OK;
		default: usage(stderr); asn_settings_free(&p.set); return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return start_failed(&p, EX_USAGE);
	}
	if (p.log.use_syslog)
		openlog("asn-portal", LOG_PID, LOG_MAIL);
	if (config.file != NULL && config.dovecot_config != NULL) {
		asn_web_log(&p.log, LOG_ERR, "-c and --dovecot-config exclude each other");
		return start_failed(&p, EX_USAGE);
	}
	ret = asn_tool_read_config(&p.set, &config, &err);
	if (ret != EX_OK) {
		asn_web_log(&p.log, LOG_ERR, "%s", err.msg);
		return start_failed(&p, ret);
	}
	if (config.warning[0] != '\0')
		asn_web_log(&p.log, LOG_WARNING, "%s", config.warning);
	asn_web_log(&p.log, LOG_INFO, "settings from %s", config.source);
	if (db != NULL)
		asn_settings_set(&p.set, "asn_db", db, &err);
	if (listen_spec != NULL)
		asn_settings_set(&p.set, "asn_portal_listen", listen_spec, &err);
	if (asn_settings_check(&p.set, &err) < 0) {
		asn_web_log(&p.log, LOG_ERR, "%s: %s", config.source, err.msg);
		return start_failed(&p, EX_CONFIG);
	}
	if (asn_web_listen_parse(p.set.portal_listen, &addr) < 0) {
		asn_web_log(&p.log, LOG_ERR, "asn_portal_listen: '%s' is not ADDR:PORT or "
			    "[ADDR6]:PORT", p.set.portal_listen);
		return start_failed(&p, EX_USAGE);
	}
	if (asn_web_proxies_parse(&p.proxies, "asn_portal_trusted_proxies",
				  p.set.portal_trusted_proxies, &err) < 0) {
		asn_web_log(&p.log, LOG_ERR, "%s", err.msg);
		return start_failed(&p, EX_CONFIG);
	}
	if (asn_password_lib_init(&err) < 0) {
		asn_web_log(&p.log, LOG_ERR, "%s", err.msg);
		return start_failed(&p, EX_SOFTWARE);
	}
	{
		/* Refuse to start on a missing, foreign or read-only database:
		   every lookup of a person is written down before it is shown. */
		struct asn_store *store;

		if (asn_store_open(&p.set, true, &store, &err) < 0) {
			asn_web_log(&p.log, LOG_ERR, "%s", err.msg);
			return start_failed(&p, asn_store_error_status(&err) ==
					    ASN_STORE_ERR_PERM ? EX_NOPERM : EX_UNAVAILABLE);
		}
		asn_store_close(&store);
	}
	/* Before any thread starts: they inherit TERM and INT blocked. */
	asn_web_signals_init();
	p.limits = asn_web_limits_new(p.set.portal_max_user_failures,
				      p.set.portal_max_client_failures,
				      p.set.portal_failure_window);
	p.sessions = portal_sessions_new(p.set.portal_session_idle, p.set.portal_session_max);
	p.conns = asn_web_conns_new(&p.proxies, &p.log, p.set.portal_request_timeout);
	if (p.conns == NULL) {
		asn_web_log(&p.log, LOG_ERR, "cannot start the connection watcher: %s",
			    strerror(errno));
		return EX_OSERR;
	}


	sem_init(&p.work_slots, 0, (unsigned int)(sysconf(_SC_NPROCESSORS_ONLN) > 1 ?
						  sysconf(_SC_NPROCESSORS_ONLN) : 2));
	daemon = portal_http_start(&p, &addr.sa);
	if (daemon == NULL) {
		asn_web_log(&p.log, LOG_ERR, "cannot listen on %s: %s", p.set.portal_listen,
			    strerror(errno));
		asn_web_conns_free(&p.conns);
		return EX_UNAVAILABLE;
	}
	asn_web_log(&p.log, LOG_INFO, "listening on %s, database %s", p.set.portal_listen,
		    p.set.db);
	ret = asn_web_wait_for_signal();
	asn_web_log(&p.log, LOG_INFO, "stopping (signal %d)", ret);
	MHD_stop_daemon(daemon);
	asn_web_conns_free(&p.conns);
	sem_destroy(&p.work_slots);
	portal_sessions_free(&p.sessions);
	asn_web_limits_free(&p.limits);
	asn_web_proxies_free(&p.proxies);
	asn_settings_free(&p.set);
	return EX_OK;
}
