package dev.soci.oci.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting HTTP proxy of our own (nothing installable here does this) between a client
 * and the real test registry: it forwards each request and, while a fault is set, answers with
 * that fault instead (a status, a truncated or corrupted body, a 200 that ignores {@code Range},
 * a body that stops half-way and stalls, a connection dropped before or after forwarding), to
 * every request or only to those of one method.
 */
final class FaultProxy implements AutoCloseable {
  enum Fault {
    NONE, STATUS_503, TRUNCATE, CORRUPT, IGNORE_RANGE, STALL,
    /** The connection is closed before the request is forwarded: the registry never sees it. */
    DROP,
    /** The request is forwarded, then the connection closed without its answer. */
    LOSE_RESPONSE
  }

  private static final Set<String> HOP = Set.of("connection", "content-length", "transfer-encoding",
      "host", "keep-alive", "upgrade");

  private final HttpServer server;
  private final String upstream;
  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
  volatile Fault fault = Fault.NONE;
  /** How many more requests get the fault (then it clears); negative: all of them. */
  final AtomicInteger faultsLeft = new AtomicInteger(-1);
  final AtomicInteger requests = new AtomicInteger();
  /** Only requests of this method get the fault; null: every request. */
  volatile String faultMethod;
  /** Method of every request, in order. */
  final List<String> methods = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  FaultProxy(String upstream) throws IOException {
    this.upstream = upstream;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "fault-proxy");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Sets {@code f} for the next {@code count} requests (negative: until changed). */
  void inject(Fault f, int count) {
    inject(f, count, null);
  }

  /** Sets {@code f} for the next {@code count} requests of {@code method} (null: any). */
  void inject(Fault f, int count, String method) {
    faultMethod = method;
    faultsLeft.set(count);
    fault = f;
  }

  /**
   * Lets the next {@code passing} requests through untouched, then gives every later one
   * {@code f}: a failure part-way through a longer operation.
   */
  void injectAfter(Fault f, int passing) {
    passUntil = requests.get() + passing;
    faultMethod = null;
    faultsLeft.set(-1);
    fault = f;
  }

  private volatile int passUntil;

  private Fault take(String method) {
    Fault f = fault;
    String only = faultMethod;
    if (f == Fault.NONE || only != null && !only.equals(method) || requests.get() <= passUntil) {
      return Fault.NONE;
    }
    int left = faultsLeft.getAndDecrement();
    if (left == 0) {
      fault = Fault.NONE;
      return Fault.NONE;
    }
    return f;
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      requests.incrementAndGet();
      methods.add(x.getRequestMethod());
      Fault f = take(x.getRequestMethod());
      if (f == Fault.STATUS_503) {
        x.sendResponseHeaders(503, -1);
        return;
      }
      if (f == Fault.DROP) {
        throw new IOException("dropped on purpose"); // the server closes the connection
      }
      byte[] body = x.getRequestBody().readAllBytes();
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + upstream
          + x.getRequestURI())).method(x.getRequestMethod(), body.length == 0
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      x.getRequestHeaders().forEach((k, vs) -> {
        if (!HOP.contains(k.toLowerCase(java.util.Locale.ROOT))
            && !(f == Fault.IGNORE_RANGE && k.equalsIgnoreCase("Range"))) {
          vs.forEach(v -> b.header(k, v));
        }
      });
      HttpResponse<byte[]> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      if (f == Fault.LOSE_RESPONSE) {
        throw new IOException("answer lost on purpose");
      }
      r.headers().map().forEach((k, vs) -> {
        if (k.equalsIgnoreCase("Location")) {
          // The registry names itself in upload Locations: keep the client on the proxy.
          vs = vs.stream().map(v -> v.replace("//" + upstream + "/", "//" + address() + "/"))
              .toList();
        }
        if (!HOP.contains(k.toLowerCase(java.util.Locale.ROOT)) && !k.startsWith(":")) {
          x.getResponseHeaders().put(k, List.copyOf(vs));
        }
      });
      byte[] out = r.body();
      boolean head = x.getRequestMethod().equals("HEAD");
      if (f == Fault.CORRUPT && out.length > 0) {
        out = out.clone();
        out[out.length / 2] ^= 0x20;
      }
      if (f == Fault.TRUNCATE && out.length > 1) {
        // Declare the whole length, send half, and drop the connection.
        x.sendResponseHeaders(r.statusCode(), out.length);
        x.getResponseBody().write(out, 0, out.length / 2);
        x.getResponseBody().flush();
        throw new IOException("truncated on purpose"); // the server closes the exchange
      }
      if (f == Fault.STALL && out.length > 1) {
        // Half the body, then silence (bounded: the test's client gives up long before).
        x.sendResponseHeaders(r.statusCode(), out.length);
        x.getResponseBody().write(out, 0, out.length / 2);
        x.getResponseBody().flush();
        try {
          Thread.sleep(20_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("stalled on purpose");
      }
      x.sendResponseHeaders(r.statusCode(), head || out.length == 0 ? -1 : out.length);
      if (!head && out.length > 0) {
        try (OutputStream o = x.getResponseBody()) {
          o.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
