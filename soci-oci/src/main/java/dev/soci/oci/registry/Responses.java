package dev.soci.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soci.oci.OciException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reading a registry's responses: status checks, the error a response reports (its {@code
 * errors} body), bounded bodies, headers, upload locations.
 */
final class Responses {
  private static final int MAX_ERROR_BODY = 64 * 1024;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Responses() {}

  /** Throws the registry's error unless the status is {@code expected}. */
  static void checkStatus(HttpResponse<?> r, InputStream body, String what, int expected)
      throws IOException {
    if (r.statusCode() != expected) {
      throw error(r, body, what);
    }
  }

  /** The error a response reports: its status and the first error of its body, if any. */
  static RegistryException error(HttpResponse<?> r, InputStream body, String what)
      throws IOException {
    int status = r.statusCode();
    String code = null;
    String message = "unexpected status";
    byte[] err;
    try {
      err = readBounded(body, MAX_ERROR_BODY, "error response");
    } catch (IOException unreadable) {
      // Too long, or cut short (2.8.2's 416 declares the whole blob's length): the status says
      // enough.
      err = new byte[0];
    }
    try {
      JsonNode json = err.length == 0 ? null : MAPPER.readTree(err);
      JsonNode first = json != null && json.has("errors") && json.get("errors").isArray()
          && json.get("errors").size() > 0 ? json.get("errors").get(0) : null;
      if (first != null) {
        code = first.path("code").isTextual() ? first.get("code").asText() : null;
        message = first.path("message").isTextual() ? first.get("message").asText() : message;
      }
    } catch (IOException notJson) {
      String text = new String(err, StandardCharsets.UTF_8).strip();
      if (!text.isEmpty()) {
        message = text.lines().findFirst().orElse(text);
      }
    }
    if (message.length() > 300) {
      message = message.substring(0, 300) + "…";
    }
    return new RegistryException(status, code, message.replace('\n', ' '), what);
  }

  static byte[] readBounded(InputStream in, int max, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16 * 1024];
    int n;
    while ((n = in.read(buf)) >= 0) {
      if (out.size() + n > max) {
        throw new OciException(what + " is larger than " + max + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  static URI uploadLocation(HttpResponse<?> r, String what) throws RegistryException {
    String location = r.headers().firstValue("Location").orElseThrow(() -> new RegistryException(
        r.statusCode(), null, "upload started without a Location", what));
    try {
      URI uri = r.request().uri().resolve(location);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new RegistryException(r.statusCode(), null, "invalid upload Location " + location, what);
    }
  }

  static URI withQuery(URI uri, String query) {
    String s = uri.toString();
    return URI.create(s + (uri.getRawQuery() == null ? "?" : "&") + query);
  }

  /** The declared Content-Length, or -1 when absent or not a number. */
  static long contentLength(HttpResponse<?> r) {
    try {
      return r.headers().firstValueAsLong("Content-Length").orElse(-1);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A Content-Type without its parameters. */
  static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip()
        .toLowerCase(Locale.ROOT);
  }
}
