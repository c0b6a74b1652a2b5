package dev.soci.oci.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A forward HTTP proxy of our own on loopback, as {@code HTTP_PROXY}/{@code HTTPS_PROXY} name
 * one: absolute-form requests ({@code GET http://host:port/path HTTP/1.1}) are forwarded, one
 * per connection ({@code Connection: close}), and {@code CONNECT host:port} opens a tunnel. The
 * host {@link #ALIAS} (which no resolver knows) is reached at 127.0.0.1, so a client that gets
 * there at all went through the proxy. It records each request line and {@code
 * Proxy-Authorization} header.
 */
final class ForwardProxy implements AutoCloseable {
  /** A host name only this proxy resolves (to 127.0.0.1); {@code .invalid} never resolves. */
  static final String ALIAS = "registry.invalid";
  private static final int MAX_HEAD = 64 * 1024;

  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "forward-proxy");
    t.setDaemon(true);
    return t;
  });
  /** Open connections, closed by {@link #close()} (a tunnel's pumps block in reads). */
  private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Each request line, in order. */
  final List<String> requestLines = Collections.synchronizedList(new ArrayList<>());
  /** Each {@code Proxy-Authorization} value received ("" where there was none). */
  final List<String> proxyAuthorizations = Collections.synchronizedList(new ArrayList<>());

  ForwardProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::accept);
  }

  /** {@code http://127.0.0.1:PORT}, a value for a proxy variable. */
  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        s.setSoTimeout(20_000); // bounded: a stuck exchange ends
        pool.execute(() -> handle(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      requestLines.add(lines[0]);
      String auth = "";
      long length = 0;
      StringBuilder forwarded = new StringBuilder();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).strip();
        if (name.equals("proxy-authorization")) {
          auth = value;
        } else if (name.equals("content-length")) {
          length = Long.parseLong(value);
          forwarded.append(lines[i]).append("\r\n");
        } else if (!name.equals("connection") && !name.equals("proxy-connection")) {
          forwarded.append(lines[i]).append("\r\n");
        }
      }
      proxyAuthorizations.add(auth);
      if (requestLine[0].equals("CONNECT")) {
        try (Socket upstream = connect(requestLine[1])) {
          client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          client.getOutputStream().flush();
          pool.execute(() -> pump(upstream, client));
          pump(client, upstream);
        }
        return;
      }
      String target = requestLine[1];
      if (!target.startsWith("http://")) {
        client.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        return;
      }
      int pathStart = target.indexOf('/', "http://".length());
      String authority = target.substring("http://".length(), pathStart < 0 ? target.length() : pathStart);
      String path = pathStart < 0 ? "/" : target.substring(pathStart);
      try (Socket upstream = connect(authority)) {
        OutputStream out = upstream.getOutputStream();
        out.write((requestLine[0] + " " + path + " " + requestLine[2] + "\r\n" + forwarded
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        copy(in, out, length);
        out.flush();
        upstream.getInputStream().transferTo(client.getOutputStream()); // until it closes
      }
    } catch (IOException | RuntimeException e) {
      // A client or upstream that went away: the exchange ends.
    }
  }

  /** {@code host:port}, with {@link #ALIAS} at 127.0.0.1. */
  private Socket connect(String authority) throws IOException {
    int colon = authority.lastIndexOf(':');
    String host = authority.substring(0, colon);
    int port = Integer.parseInt(authority.substring(colon + 1));
    Socket s = new Socket(host.equals(ALIAS) ? "127.0.0.1" : host, port);
    open.add(s);
    s.setSoTimeout(20_000);
    return s;
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        from.close();
        to.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** The request head up to the blank line, bounded. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0; // how much of \r\n\r\n has been seen
    while (state < 4) {
      int b = in.read();
      if (b < 0 || head.size() >= MAX_HEAD) {
        throw new SocketException("no request head");
      }
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
          ? state + 1 : b == '\r' ? 1 : 0;
    }
    String s = head.toString(StandardCharsets.ISO_8859_1);
    return s.substring(0, s.length() - 4);
  }

  /** Copies exactly {@code length} bytes of the request body (the client sends no more). */
  private static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buf = new byte[64 * 1024];
    while (length > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, length));
      if (n < 0) {
        throw new SocketException("request body cut short");
      }
      out.write(buf, 0, n);
      length -= n;
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }
}
