<?php

/**
 * dovecot-asn driver for Roundcube's password plugin.
 *
 * Sends the change to asn-passwdd (POST user, curpass, newpass: the
 * service that applies dovecot-asn's one password policy) and, unlike the
 * stock httpapi driver, shows the ASN the service's one-line reason, in
 * Bahasa Indonesia, when a password is refused:
 *
 *   "Tidak dapat menyimpan sandi baru. Kata sandi tidak boleh memuat NIP Anda."
 *
 * Install: copy (or link) this file to the password plugin's drivers folder
 * (Debian: /usr/share/roundcube/plugins/password/drivers/asnpasswdd.php)
 * and set in Roundcube's config.inc.php:
 *
 *   $config['password_driver'] = 'asnpasswdd';
 *   $config['password_asnpasswdd_url'] = 'http://127.0.0.1:8089/password';
 *
 * It also names the ASN's own address in X-Forwarded-For (Roundcube's view
 * of it: rcube_utils::remote_addr(), which honours proxy_whitelist), so
 * that asn-passwdd counts failures per ASN rather than for the webmail as
 * a whole.  asn-passwdd believes the header only from the addresses in its
 * asn_passwdd_trusted_proxies: list the webmail's there (127.0.0.1 ::1
 * when both run on one host).
 *
 * Replies of asn-passwdd: 200 "ok"; 403, 422, 429 with the reason in the
 * body (first line); 400 malformed; 503 busy.  Nothing here logs a
 * password.
 *
 * Part of dovecot-asn.  License: the same as Roundcube's password plugin
 * (GPL-3.0-or-later), as it runs inside it.
 */
class rcube_asnpasswdd_password
{
    /** Longest reason shown: asn-passwdd's are one line, well under this. */
    const REASON_MAX = 300;

    public function save($curpass, $newpass, $username)
    {
        $rcmail = rcmail::get_instance();
        $url = $rcmail->config->get('password_asnpasswdd_url', 'http://127.0.0.1:8089/password');
        $client = rcube_utils::remote_addr();
        $headers = [];
        if (filter_var($client, FILTER_VALIDATE_IP) !== false) {
            $headers['X-Forwarded-For'] = $client;
        }

        try {
            $response = password::get_http_client()->request('POST', $url, [
                'form_params' => ['user' => $username, 'curpass' => $curpass, 'newpass' => $newpass],
                'headers' => $headers,
                // 4xx replies carry the reason: read them, do not throw
                'http_errors' => false,
                'timeout' => 30,
            ]);
        }
        catch (Exception $e) {
            rcube::raise_error([
                    'code' => 600, 'file' => __FILE__, 'line' => __LINE__,
                    'message' => "Password plugin: asn-passwdd at $url: " . $e->getMessage(),
                ], true, false);
            return PASSWORD_CONNECT_ERROR;
        }

        $status = $response->getStatusCode();
        $body = (string) $response->getBody();
        $reason = trim(strtok($body, "\r\n") ?: '');
        if (mb_strlen($reason) > self::REASON_MAX) {
            $reason = mb_substr($reason, 0, self::REASON_MAX) . '...';
        }

        if ($status == 200 && $reason === 'ok') {
            return PASSWORD_SUCCESS;
        }
        if (in_array($status, [403, 422, 429, 503]) && $reason !== '') {
            // The plugin appends the message to its "could not save" line,
            // escaped.
            return ['code' => PASSWORD_ERROR, 'message' => $reason];
        }

        rcube::raise_error([
                'code' => 600, 'file' => __FILE__, 'line' => __LINE__,
                'message' => "Password plugin: asn-passwdd at $url answered $status",
            ], true, false);
        return PASSWORD_ERROR;
    }
}
