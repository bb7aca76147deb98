// The ASN's path in a real browser: Roundcube (Debian's) on the private
// Dovecot with dovecot-asn, the password plugin with the asnpasswdd driver.
// Driven by tests/webmail-e2e.sh, which starts everything and passes:
//   RC_URL, ASN_USER, ASN_DEFAULT_PW, ASN_WEAK_PW, ASN_NIP_PW, ASN_NEW_PW,
//   ASN_EXPIRED_USER, ASN_EXPIRED_PW, ASN_SHOTS (screenshot folder),
//   ASN_E2E_NODE (where playwright-core is installed).
// Prints TAP lines without numbers ("ok - ...", "not ok - ..."); the shell
// numbers them.
import { createRequire } from 'node:module';

const require = createRequire(process.env.ASN_E2E_NODE + '/');
const { chromium } = require('playwright-core');
const env = process.env;
const base = env.RC_URL;

function check(cond, desc, detail) {
  console.log(`${cond ? 'ok' : 'not ok'} - ${desc}`);
  if (!cond && detail !== undefined)
    for (const line of String(detail).split('\n').slice(0, 10)) console.log(`# ${line}`);
  return cond;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
let step = 0;
async function shot(page, name) {
  step++;
  await page.screenshot({ path: `${env.ASN_SHOTS}/${String(step).padStart(2, '0')}-${name}.png`,
                          fullPage: true });
}

async function login(page, user, password) {
  await page.goto(`${base}/?_task=login`);
  await page.fill('#rcmloginuser', user);
  await page.fill('#rcmloginpwd', password);
  await Promise.all([page.waitForLoadState('load'), page.click('#rcmloginsubmit')]);
  await page.waitForLoadState('networkidle');
}

// The messages Roundcube shows in its message stack, as text.
async function messages(page) {
  await page.waitForSelector('#messagestack > div', { timeout: 15000 }).catch(() => {});
  return (await page.locator('#messagestack > div').allTextContents()).join(' | ');
}

async function tryPassword(page, current, next) {
  await page.fill('#curpasswd', current);
  await page.fill('#newpasswd', next);
  await page.fill('#confpasswd', next);
  // the previous message must not be read as this one's
  await page.evaluate(() => document.querySelectorAll('#messagestack > div').forEach(e => e.remove()));
  await page.click('#password-form button.submit, .formbuttons button.submit, button.btn.submit');
  await page.waitForFunction(() => document.querySelectorAll('#messagestack > div').length > 0,
                             null, { timeout: 30000 }).catch(() => {});
  return messages(page);
}

// Roundcube's JSON for an AJAX action, with the page's request token, as
// its own scripts ask for it.
async function ajax(page, query) {
  return page.evaluate(async (q) => {
    const r = await fetch(`?${q}&_remote=1`, { headers: { 'X-Roundcube-Request': rcmail.env.request_token } });
    return r.text();
  }, query);
}

try {
  const context = await browser.newContext({ locale: 'id-ID', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();

  // 1. the default password from the credential sheet
  await login(page, env.ASN_USER, env.ASN_DEFAULT_PW);
  check(/_action=plugin\.password/.test(page.url()),
        'first login with the default password lands on the password page', page.url());
  await page.waitForSelector('#curpasswd', { timeout: 15000 }).catch(() => {});
  check(await page.locator('#curpasswd').count() === 1, 'the password form is shown');
  await shot(page, 'forced-password-page');

  // 2. behind the forced page, the session has INBOX only, with the notice
  const mailPage = await page.request.get(`${base}/?_task=mail&_mbox=INBOX`);
  const html = await mailPage.text();
  check(/rel="INBOX"/.test(html) && !/rel="Arsip"/.test(html),
        "the mailbox's folder list has only INBOX (the Arsip folder that exists is hidden)");
  const list = await ajax(page, '_task=mail&_action=list&_mbox=INBOX');
  check(list.includes('Segera ganti kata sandi bawaan'), 'INBOX holds the notice about the default password',
        list.slice(0, 500));
  // The mail view as the server renders it, scripts off so that the
  // forced page's redirect does not run: the folder list of this session.
  const noScript = await browser.newContext({ javaScriptEnabled: false, locale: 'id-ID',
                                              viewport: { width: 1280, height: 800 },
                                              storageState: await context.storageState() });
  const behind = await noScript.newPage();
  await behind.goto(`${base}/?_task=mail&_mbox=INBOX`);
  await shot(behind, 'folders-behind-the-forced-page');
  await noScript.close();
  await page.goto(`${base}/?_task=mail&_mbox=INBOX`);
  check(/_action=plugin\.password/.test(page.url()), 'opening the mailbox leads back to the password page',
        page.url());
  await shot(page, 'mailbox-redirects-to-password');

  // 3. refusals, each with dovecot-asn's reason
  let msg = await tryPassword(page, env.ASN_DEFAULT_PW, env.ASN_WEAK_PW);
  check(msg.includes('kata umum dari kamus'), 'a dictionary password is refused with the reason', msg);
  await shot(page, 'refused-dictionary');
  msg = await tryPassword(page, env.ASN_DEFAULT_PW, env.ASN_NIP_PW);
  check(msg.includes('tidak boleh memuat NIP'), 'a password with the NIP is refused with the reason', msg);
  await shot(page, 'refused-nip');

  // 4. a good password
  msg = await tryPassword(page, env.ASN_DEFAULT_PW, env.ASN_NEW_PW);
  check(/berhasil|Successfully/i.test(msg), 'a good password is saved', msg);
  await shot(page, 'saved');

  // 5. out, and in again with the new password
  await page.goto(`${base}/?_task=logout&_token=${await page.evaluate(() => rcmail.env.request_token)}`);
  await login(page, env.ASN_USER, env.ASN_NEW_PW);
  check(/_task=mail/.test(page.url()) && !/plugin\.password/.test(page.url()),
        'the new password logs in to the mailbox, no forced page', page.url());
  await page.waitForSelector('#messagelist tbody tr', { timeout: 15000 }).catch(() => {});
  await shot(page, 'mailbox-after-change');
  const folders = await page.$$eval('#mailboxlist a[rel]', as => as.map(a => a.getAttribute('rel')));
  check(folders.includes('Arsip'), 'all folders are back (Arsip)', folders.join(', '));
  // Settings > Folders > Create: the form Roundcube frames, saved as its
  // Save button does
  const folderPage = await context.newPage();
  await folderPage.goto(`${base}/?_task=settings&_action=add-folder&_mbox=&_framed=1`);
  await folderPage.fill('input[name="_name"]', 'Laporan');
  await Promise.all([folderPage.waitForLoadState('load'),
                     folderPage.evaluate(() => rcmail.command('save'))]);
  await folderPage.waitForLoadState('networkidle');
  await folderPage.close();
  const folderList = await page.request.get(`${base}/?_task=mail&_mbox=INBOX`);
  check(/rel="Laporan"/.test(await folderList.text()), 'a folder can be created (Settings > Folders)');
  await page.locator('#messagelist tbody tr').first().click();
  const body = await page.frameLocator('#messagecontframe').locator('#messagebody')
    .textContent({ timeout: 15000 }).catch(e => String(e));
  check(/kata sandi/i.test(body), 'mail can be read (the notice opens)', body.slice(0, 200));
  await shot(page, 'message-read');

  await page.goto(`${base}/?_task=logout&_token=${await page.evaluate(() => rcmail.env.request_token)}`);
  await login(page, env.ASN_USER, env.ASN_DEFAULT_PW);
  check(/_task=login/.test(page.url()) || await page.locator('#rcmloginuser').count() === 1,
        'the default password no longer logs in', page.url());
  await shot(page, 'default-password-refused');

  // second scenario: an initial password that expired
  const expired = await browser.newContext({ locale: 'id-ID' });
  const page2 = await expired.newPage();
  step = 90;
  await login(page2, env.ASN_EXPIRED_USER, env.ASN_EXPIRED_PW);
  check(await page2.locator('#rcmloginuser').count() === 1, 'an expired default password: the login fails');
  const failed = await messages(page2);
  check(failed.length > 0, `the login page says so ("${failed}")`);
  await shot(page2, 'expired-login-failed');
}
catch (e) {
  check(false, 'the browser scenario ran to its end', e.stack);
}
finally {
  await browser.close();
}
