<?php
// Runs contrib/roundcube/asnpasswdd.php outside Roundcube, for
// tests/passwdd.sh: the few Roundcube classes the driver calls are stubbed,
// the HTTP client is Debian's Guzzle (Roundcube's own).
//   php asnpasswdd-driver.php DRIVER URL SOURCE_ADDR CLIENT_ADDR USER CURPASS NEWPASS
// prints the driver's result: "success" or "error: MESSAGE".
// SOURCE_ADDR: the address the webmail connects from (127.0.0.N);
// CLIENT_ADDR: the ASN's, as Roundcube sees it (REMOTE_ADDR).

require_once '/usr/share/php/GuzzleHttp/autoload.php';
require_once '/usr/share/php/GuzzleHttp/Psr7/autoload.php';
require_once '/usr/share/php/GuzzleHttp/Promise/autoload.php';
foreach (['/usr/share/php/Psr/Http/Message', '/usr/share/php/Psr/Http/Client'] as $dir) {
    spl_autoload_register(static function ($class) use ($dir) {
        $file = $dir . '/' . basename(str_replace('\\', '/', $class)) . '.php';
        if (is_file($file)) {
            require_once $file;
        }
    });
}

const PASSWORD_SUCCESS = 0;
const PASSWORD_ERROR = 2;
const PASSWORD_CONNECT_ERROR = 3;

[, $driver, $url, $source, $client, $user, $curpass, $newpass] = $argv;
$_SERVER['REMOTE_ADDR'] = $client;

class stub_config
{
    public $values = [];
    public function get($key, $default = null)
    {
        return $this->values[$key] ?? $default;
    }
}

class rcmail
{
    public $config;
    private static $instance;
    public static function get_instance()
    {
        if (self::$instance === null) {
            self::$instance = new rcmail();
            self::$instance->config = new stub_config();
        }
        return self::$instance;
    }
}

class rcube
{
    public static function raise_error($error, $log, $terminate)
    {
        fwrite(STDERR, $error['message'] . "\n");
    }
}

class rcube_utils
{
    // Roundcube's answer without a proxy_whitelist: REMOTE_ADDR.
    public static function remote_addr()
    {
        return $_SERVER['REMOTE_ADDR'];
    }
}

class password
{
    public static $source;
    public static function get_http_client()
    {
        // Bound to SOURCE_ADDR, with curl or PHP's streams (no php-curl).
        return new GuzzleHttp\Client(extension_loaded('curl') ?
            ['curl' => [CURLOPT_INTERFACE => self::$source]] :
            ['stream_context' => ['socket' => ['bindto' => self::$source . ':0']]]);
    }
}

rcmail::get_instance()->config->values['password_asnpasswdd_url'] = $url;
password::$source = $source;
require $driver;
$result = (new rcube_asnpasswdd_password())->save($curpass, $newpass, $user);
if ($result === PASSWORD_SUCCESS) {
    echo "success\n";
} elseif (is_array($result)) {
    echo 'error: ' . $result['message'] . "\n";
} else {
    echo "error: code $result\n";
}
