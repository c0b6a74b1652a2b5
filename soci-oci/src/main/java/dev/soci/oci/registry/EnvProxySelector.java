package dev.soci.oci.registry;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy of each request as container tools pick it from the environment: the rules of Go's
 * {@code net/http.ProxyFromEnvironment} ({@code golang.org/x/net/http/httpproxy}), which Docker,
 * containerd and the SOCI snapshotter use.
 *
 * <ul>
 *   <li>{@code https} requests use {@code HTTPS_PROXY}, else {@code https_proxy}; {@code http}
 *       requests {@code HTTP_PROXY}, else {@code http_proxy}. There is no fallback from one
 *       scheme to the other. A value without a scheme ({@code proxy:3128}) is {@code http://};
 *       a proxy without a port is on port 80.
 *   <li>{@code localhost} and loopback addresses ({@code 127.0.0.0/8}, {@code ::1}) are never
 *       proxied, whatever {@code NO_PROXY} says.
 *   <li>{@code NO_PROXY}, else {@code no_proxy}: a comma-separated list, case and surrounding
 *       space ignored, of {@code *} (nothing is proxied), IP addresses and CIDR ranges ({@code
 *       10.0.0.0/8}), domains ({@code example.com} matches it and its subdomains; {@code
 *       .example.com} and {@code *.example.com} only its subdomains), each optionally with
 *       {@code :port} (IPv6 as {@code [addr]:port}), which must then be the request's port
 *       (80 or 443 when the URL has none).
 *   <li>When {@code REQUEST_METHOD} is set (a CGI program, where {@code HTTP_PROXY} can come
 *       from a request's {@code Proxy:} header) the http proxy is refused.
 * </ul>
 *
 * <p>Unlike Go, which ignores a value it cannot parse and supports SOCKS5 and TLS to the proxy,
 * here a request whose proxy is unusable is refused ({@link Route#refusal()}) rather than sent
 * directly: {@code java.net.http} speaks only to {@code http://} proxies. Credentials in the
 * proxy URL ({@code http://user:pass@proxy:3128}) are sent as Basic {@code Proxy-Authorization}
 * on plain-HTTP requests; through a {@code CONNECT} tunnel (https) the JDK drops Basic proxy
 * credentials ({@code jdk.http.auth.tunneling.disabledSchemes}, a JVM-wide setting), so an
 * {@code HTTPS_PROXY} with credentials is refused too. IDNA host names are not converted.
 */
final class EnvProxySelector extends ProxySelector {
  /** Where one request goes. */
  record Route(InetSocketAddress proxy, String proxyAuthorization, String refusal) {
    static final Route DIRECT = new Route(null, null, null);
  }

  /** A parsed proxy variable: the proxy, or why it cannot be used. */
  private record ProxyUrl(InetSocketAddress address, String authorization, String problem) {}

  private final ProxyUrl http;
  private final ProxyUrl https;
  private final boolean cgi;
  private final boolean noProxyAll;
  private final List<Entry> noProxy = new ArrayList<>();

  private EnvProxySelector(Map<String, String> env) {
    http = parseProxy(env, "HTTP_PROXY", "http_proxy");
    https = parseProxy(env, "HTTPS_PROXY", "https_proxy");
    cgi = !env.getOrDefault("REQUEST_METHOD", "").isEmpty();
    String list = firstSet(env, "NO_PROXY", "no_proxy");
    boolean all = false;
    for (String raw : list == null ? new String[0] : list.split(",")) {
      String p = raw.strip().toLowerCase(Locale.ROOT);
      if (p.equals("*")) {
        all = true;
        break;
      }
      Entry e = Entry.parse(p);
      if (e != null) {
        noProxy.add(e);
      }
    }
    noProxyAll = all;
  }

  /** The selector of the environment {@code env} (a map of variable names to values). */
  static EnvProxySelector of(Map<String, String> env) {
    return new EnvProxySelector(env);
  }

  /** Where a request to {@code uri} goes. */
  Route route(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    ProxyUrl p = scheme.equals("https") ? https : scheme.equals("http") ? http : null;
    if (p == null || !useProxy(uri, scheme)) {
      return Route.DIRECT;
    }
    if (scheme.equals("http") && cgi) {
      return new Route(null, null, "refusing to use HTTP_PROXY where REQUEST_METHOD is set (a"
          + " CGI environment, where a request can set it)");
    }
    if (p.problem() != null) {
      return new Route(null, null, p.problem());
    }
    if (scheme.equals("https") && p.authorization() != null) {
      return new Route(null, null, "credentials in HTTPS_PROXY are not supported: the JDK does"
          + " not send Basic proxy credentials through a CONNECT tunnel");
    }
    return new Route(p.address(), p.authorization(), null);
  }

  /**
   * The proxy {@link #route} names; direct also for a refused route, which {@code
   * RegistryClient} never sends.
   */
  @Override
  public List<Proxy> select(URI uri) {
    Route r = route(uri);
    return List.of(r.proxy() == null ? Proxy.NO_PROXY : new Proxy(Proxy.Type.HTTP, r.proxy()));
  }

  @Override
  public void connectFailed(URI uri, SocketAddress sa, java.io.IOException ioe) {
    // One proxy per scheme, nothing to fall back to: the request fails with the error.
  }

  private boolean useProxy(URI uri, String scheme) {
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return true;
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.equals("localhost")) {
      return false;
    }
    InetAddress ip = ipLiteral(host);
    if (ip != null && ip.isLoopbackAddress()) {
      return false;
    }
    if (noProxyAll) {
      return false;
    }
    String port = Integer.toString(uri.getPort() >= 0 ? uri.getPort()
        : scheme.equals("https") ? 443 : 80);
    for (Entry e : noProxy) {
      if (e.matches(host, ip, port)) {
        return false;
      }
    }
    return true;
  }

  private static String firstSet(Map<String, String> env, String upper, String lower) {
    String v = env.get(upper);
    if (v == null || v.isEmpty()) {
      v = env.get(lower);
    }
    return v == null || v.isEmpty() ? null : v;
  }

  /** A proxy variable's value parsed as Go does (a bare {@code host:port} is http). */
  private static ProxyUrl parseProxy(Map<String, String> env, String upper, String lower) {
    String value = firstSet(env, upper, lower);
    if (value == null) {
      return null;
    }
    String name = value.equals(env.get(upper)) ? upper : lower;
    URI uri = parseUri(value);
    if (uri == null || !List.of("http", "https", "socks5", "socks5h").contains(scheme(uri))) {
      URI withHttp = parseUri("http://" + value);
      if (withHttp != null) {
        uri = withHttp;
      }
    }
    // Never the value itself in messages: it may hold a password.
    if (uri == null || uri.getHost() == null) {
      return new ProxyUrl(null, null, name + " is not a valid proxy URL");
    }
    if (!scheme(uri).equals("http")) {
      return new ProxyUrl(null, null, name + " names a proxy of scheme " + scheme(uri)
          + ": only http:// proxies are supported (java.net.http)");
    }
    String auth = null;
    String userInfo = uri.getUserInfo();
    if (userInfo != null) {
      auth = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : 80;
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    // Unresolved: the JDK resolves the proxy when it connects, not each time a request is routed.
    return new ProxyUrl(InetSocketAddress.createUnresolved(host, port), auth, null);
  }

  private static URI parseUri(String s) {
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static String scheme(URI uri) {
    return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code s} as an IP address if it is a literal one (strict dotted quad, or IPv6), else null;
   * never a name lookup.
   */
  static InetAddress ipLiteral(String s) {
    try {
      if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        String[] parts = s.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
          int v = Integer.parseInt(parts[i]);
          if (v > 255) {
            return null;
          }
          b[i] = (byte) v;
        }
        return InetAddress.getByAddress(b);
      }
      if (s.indexOf(':') >= 0 && s.matches("[0-9a-f:.]+")) {
        return InetAddress.getByName(s); // an IPv6 literal: parsed, not looked up
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }

  /** One {@code NO_PROXY} entry: a CIDR range, an IP address, or a domain; maybe a port. */
  private record Entry(InetAddress ip, int prefixBits, String domain, boolean matchSelf,
      String port) {
    /** The entry {@code p} (lower case, stripped), or null when it is malformed. */
    static Entry parse(String p) {
      if (p.isEmpty()) {
        return null;
      }
      int slash = p.indexOf('/');
      if (slash > 0) {
        InetAddress net = ipLiteral(p.substring(0, slash));
        try {
          int bits = Integer.parseInt(p.substring(slash + 1));
          if (net != null && bits >= 0 && bits <= net.getAddress().length * 8) {
            return new Entry(net, bits, null, false, "");
          }
        } catch (NumberFormatException e) {
          // not a CIDR range: fall through, as Go does
        }
      }
      String host = p;
      String port = "";
      int colon = p.lastIndexOf(':');
      if (p.startsWith("[")) {
        int end = p.indexOf(']');
        if (end < 0) {
          return null;
        }
        host = p.substring(1, end);
        port = end + 1 < p.length() && p.charAt(end + 1) == ':' ? p.substring(end + 2) : "";
      } else if (colon >= 0 && p.indexOf(':') == colon) { // host:port, not a bare IPv6 address
        host = p.substring(0, colon);
        port = p.substring(colon + 1);
      }
      if (host.isEmpty()) {
        return null;
      }
      InetAddress ip = ipLiteral(host);
      if (ip != null) {
        return new Entry(ip, -1, null, false, port);
      }
      if (host.startsWith("*.")) {
        host = host.substring(1);
      }
      boolean matchSelf = !host.startsWith(".");
      return new Entry(null, -1, matchSelf ? "." + host : host, matchSelf, port);
    }

    boolean matches(String host, InetAddress hostIp, String hostPort) {
      if (!port.isEmpty() && !port.equals(hostPort)) {
        return false;
      }
      if (domain != null) {
        return host.endsWith(domain) || matchSelf && host.equals(domain.substring(1));
      }
      if (hostIp == null) {
        return false;
      }
      if (prefixBits < 0) {
        return ip.equals(hostIp);
      }
      byte[] a = ip.getAddress();
      byte[] b = hostIp.getAddress();
      if (a.length != b.length) {
        return false;
      }
      for (int bit = 0; bit < prefixBits; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
