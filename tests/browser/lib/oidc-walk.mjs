// Signs in at the test OpenID provider (lib/oidc-provider.mjs) over plain HTTP, without a
// browser: follows its redirects by hand and fills its dev login and consent pages, so journeys
// can reach smm's callback with a code, or with a damaged one, from a cookie jar they control.

/**
 * The cookies of one user agent: enough of RFC 6265 for these tests. Cookies are kept per host
 * name (not port, as browsers do), honour Path, and go when Max-Age/Expires says so; Domain,
 * Secure and SameSite are ignored, so use one jar per simulated browser.
 */
export class CookieJar {
  #cookies = new Map(); // `${host}\n${path}\n${name}` → {host, path, name, value}

  /** Takes the Set-Cookie headers of a response to a request for `url`. */
  store(url, response) {
    const { hostname, pathname } = new URL(url);
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq), value = pair.slice(eq + 1);
      // The default path is the request path up to its last '/' (RFC 6265 5.1.4).
      let path = pathname.slice(0, pathname.lastIndexOf('/')) || '/';
      let gone = false;
      for (const attribute of attributes) {
        const [key, val = ''] = attribute.split('=');
        const k = key.toLowerCase();
        if (k === 'path' && val.startsWith('/')) path = val;
        if (k === 'max-age' && Number(val) <= 0) gone = true;
        if (k === 'expires' && Date.parse(val) <= Date.now()) gone = true;
      }
      const key = `${hostname}\n${path}\n${name}`;
      if (gone) this.#cookies.delete(key);
      else this.#cookies.set(key, { host: hostname, path, name, value });
    }
  }

  /** The Cookie header for a request to `url` ('' when none applies). */
  header(url) {
    const { hostname, pathname } = new URL(url);
    return [...this.#cookies.values()]
      .filter((c) => c.host === hostname &&
        (pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** `fetch` with this jar and without following redirects. */
  async fetch(url, init = {}) {
    const headers = new Headers(init.headers);
    const cookie = this.header(url);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(url, response);
    return response;
  }
}

const attr = (html, re, what, url) => {
  const found = re.exec(html);
  if (!found) throw new Error(`no ${what} on the provider's page ${url}:\n${html.slice(0, 2000)}`);
  return found[1].replaceAll('&amp;', '&');
};

/**
 * Walks from the authorization request to the redirect back to the client, and returns that
 * final URL (redirect_uri?code=…&state=…&iss=…, or ?error=… when refused). The provider's pages
 * come only when needed: a jar that already signed in this login skips both. With
 * `cancel: true` the first page's "[ Cancel ]" link is taken, which ends in error=access_denied.
 */
export async function signInOverHttp({ authorizeUrl, login, password = 'any', jar = new CookieJar(), cancel = false }) {
  const redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri');
  let url = authorizeUrl;
  for (let step = 0; step < 12; step++) {
    let response;
    if (/\/interaction\/[^/]+$/.test(new URL(url).pathname)) {
      const page = await jar.fetch(url);
      const html = await page.text();
      if (page.status !== 200) throw new Error(`the provider answered ${page.status} at ${url}:\n${html.slice(0, 2000)}`);
      if (cancel) {
        response = await jar.fetch(new URL(attr(html, /<a href="([^"]+)">\[ Cancel \]<\/a>/, 'Cancel link', url), url).href);
      } else {
        const prompt = attr(html, /name="prompt" value="(\w+)"/, 'prompt', url);
        const action = new URL(attr(html, /<form[^>]*action="([^"]+)"/, 'form', url), url).href;
        const fields = prompt === 'login' ? { prompt, login, password } : { prompt };
        response = await jar.fetch(action, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields),
        });
      }
    } else {
      response = await jar.fetch(url);
    }
    const location = response.headers.get('location');
    if (!location) {
      throw new Error(`the provider answered ${response.status} without a redirect at ${url}:\n` +
        (await response.text()).slice(0, 2000));
    }
    url = new URL(location, url).href;
    if (redirectUri && url.startsWith(redirectUri) && /^[?#]?$/.test(url.slice(redirectUri.length, redirectUri.length + 1))) return url;
  }
  throw new Error(`no redirect to ${redirectUri} after 12 steps; last at ${url}`);
}
