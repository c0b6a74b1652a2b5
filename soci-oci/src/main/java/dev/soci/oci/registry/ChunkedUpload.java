package dev.soci.oci.registry;

import static dev.soci.oci.registry.RegistryTransport.ATTEMPTS;
import static dev.soci.oci.registry.RegistryTransport.backoff;
import static dev.soci.oci.registry.Responses.checkStatus;
import static dev.soci.oci.registry.Responses.error;
import static dev.soci.oci.registry.Responses.uploadLocation;
import static dev.soci.oci.registry.Responses.withQuery;

import dev.soci.oci.Descriptor;
import dev.soci.oci.store.BlobMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * One blob upload in chunks, after the upload session is open (the POST): each chunk is a
 * {@code PATCH} with {@code Content-Range: a-b}, checked against the {@code Range} the registry
 * answers, and a {@code PUT ?digest=} without a body closes the session. Each chunk is held in
 * one reusable buffer until the registry confirms it, so that a chunk whose PATCH fails (a
 * dropped connection, a 5xx, a 429) can be sent again: the upload's status ({@code GET} of its
 * Location) says how much arrived, and the rest of the chunk is sent. Where the status cannot
 * say (no {@code Range}, or a session the registry no longer knows, as distribution 2.8.2 does
 * with a Location whose state is older than what it received) the upload fails with a
 * {@link RegistryException}: resending blindly could store a blob with bytes twice.
 *
 * <p>The bytes are counted and hashed as they are read: more bytes than the descriptor's size
 * are never sent, and a digest or size that differs from the descriptor fails the upload with a
 * {@link BlobMismatchException} before the closing PUT (the session is then cancelled).
 */
final class ChunkedUpload {
  /** Sends one request of the upload, with the client's authentication. */
  @FunctionalInterface
  interface Transport {
    HttpResponse<InputStream> send(boolean idempotent, RegistryTransport.RequestFactory factory,
        String what) throws IOException;
  }

  private final Transport transport;
  private final Duration timeout;
  private final Descriptor blob;
  private final String where;
  private URI location;

  /**
   * @param location the Location the POST answered with
   * @param where the registry and repository, for messages
   */
  ChunkedUpload(Transport transport, Duration timeout, URI location, Descriptor blob,
      String where) {
    this.transport = transport;
    this.timeout = timeout;
    this.location = location;
    this.blob = blob;
    this.where = where;
  }

  /** Sends {@code content} in chunks of at most {@code chunkSize} bytes and closes the upload. */
  void run(InputStream content, int chunkSize) throws IOException {
    // One buffer for every chunk, never larger than the blob (a small blob needs no 16 MiB); at
    // least one byte, so that content beyond an empty blob is noticed.
    byte[] buf = new byte[(int) Math.max(1, Math.min(chunkSize, blob.size()))];
    MessageDigest md = blob.digest().newMessageDigest();
    long offset = 0;
    while (true) {
      int n;
      try {
        n = content.readNBytes(buf, 0, buf.length);
      } catch (IOException e) {
        cancel(); // the content failed, not the registry: close the session now
        throw e;
      }
      if (n == 0) {
        break;
      }
      if (offset + n > blob.size()) {
        cancel();
        throw new BlobMismatchException("blob " + blob.digest() + " pushed to " + where
            + " is larger than its descriptor's size " + blob.size());
      }
      md.update(buf, 0, n);
      sendChunk(buf, n, offset);
      offset += n;
    }
    if (offset != blob.size() || !blob.digest().matches(md.digest())) {
      cancel();
      throw new BlobMismatchException("blob " + blob.digest() + " pushed to " + where + " is "
          + (offset != blob.size() ? offset + " bytes, not its descriptor's " + blob.size()
              : "other content: its digest differs"));
    }
    String put = "PUT " + where + " blob upload of " + blob.digest();
    URI target = withQuery(location, "digest="
        + URLEncoder.encode(blob.digest().toString(), StandardCharsets.UTF_8));
    HttpResponse<InputStream> done = transport.send(false, () -> HttpRequest.newBuilder(target)
        .timeout(timeout).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.noBody()), put);
    try (InputStream body = done.body()) {
      checkStatus(done, body, put, 201);
    }
  }

  /**
   * Sends {@code buf[0..n)}, the blob's bytes from {@code start}, resuming from what the
   * registry says it received after a failed attempt.
   */
  private void sendChunk(byte[] buf, int n, long start) throws IOException {
    long end = start + n; // exclusive
    long from = start; // the first byte not yet confirmed
    for (int attempt = 1; ; attempt++) {
      long first = from;
      String what = "PATCH " + where + " blob upload of " + blob.digest() + " bytes " + first
          + "-" + (end - 1);
      URI target = location;
      String failure;
      try {
        HttpResponse<InputStream> r = transport.send(false, () -> HttpRequest.newBuilder(target)
            .timeout(timeout).header("Content-Type", "application/octet-stream")
            .header("Content-Range", first + "-" + (end - 1))
            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(buf, (int) (first - start),
                (int) (end - first))), what);
        try (InputStream body = r.body()) {
          int status = r.statusCode();
          if (status == 202) {
            Optional<Long> received = received(r, end, what);
            if (received.isPresent() && received.get() != end) {
              throw new RegistryException(202, null, "the registry reports " + received.get()
                  + " bytes received after a chunk ending at " + end, what);
            }
            location = nextLocation(r, what);
            return;
          }
          if (status != 416 && status != 429 && status < 500) {
            throw error(r, body, what);
          }
          failure = "HTTP " + status;
        }
      } catch (RegistryException e) {
        if (e.status() != 0) {
          throw e;
        }
        failure = e.getMessage(); // no answer: a dropped connection
      }
      if (attempt >= ATTEMPTS) {
        throw new RegistryException(0, null, "the chunk failed " + attempt + " times (last: "
            + failure + ")", what);
      }
      backoff(attempt, what);
      long received = status(start, what);
      if (received < start || received > end) {
        throw new RegistryException(0, null, "after a failed chunk the registry reports "
            + received + " bytes received, outside the chunk " + start + "-" + (end - 1)
            + ": the upload cannot be resumed", what);
      }
      if (received == end) {
        return; // it arrived; only the answer was lost
      }
      from = received;
    }
  }

  /**
   * How many bytes the upload holds, from its status ({@code GET} of its Location, 204 with
   * {@code Range}); follows the status's Location. {@code confirmed} is the offset the registry
   * last confirmed, which tells {@code 0-0} apart (distribution answers it for no byte as for
   * one).
   */
  private long status(long confirmed, String after) throws IOException {
    String what = "GET " + where + " blob upload status of " + blob.digest();
    URI target = location;
    HttpResponse<InputStream> r = transport.send(true, () -> HttpRequest.newBuilder(target)
        .timeout(timeout).GET(), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() != 204) {
        RegistryException e = error(r, body, what);
        throw new RegistryException(e.status(), e.errorCode(), "the upload cannot be resumed after"
            + " a failed chunk: its status request was answered with HTTP " + e.status(), after);
      }
      Optional<Long> received = received(r, confirmed == 0 ? 0 : 1, what);
      if (received.isEmpty()) {
        throw new RegistryException(204, null, "the upload status has no Range: the upload cannot"
            + " be resumed after a failed chunk", after);
      }
      location = nextLocation(r, what);
      return received.get();
    }
  }

  /**
   * The byte count a response's {@code Range: 0-<last>} reports (an optional {@code bytes=}
   * prefix allowed), or empty when there is none. {@code 0-0} means no byte or one byte;
   * {@code zeroMeans} picks which, when it is 0 or 1.
   */
  private static Optional<Long> received(HttpResponse<?> r, long zeroMeans, String what)
      throws RegistryException {
    Optional<String> header = r.headers().firstValue("Range");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String v = header.get().strip();
    if (v.startsWith("bytes=")) {
      v = v.substring(6);
    }
    int dash = v.indexOf('-');
    try {
      if (dash <= 0 || Long.parseLong(v.substring(0, dash)) != 0) {
        throw new NumberFormatException();
      }
      long last = Long.parseLong(v.substring(dash + 1));
      if (last < 0) {
        throw new NumberFormatException();
      }
      return Optional.of(last == 0 && (zeroMeans == 0 || zeroMeans == 1) ? zeroMeans : last + 1);
    } catch (NumberFormatException e) {
      throw new RegistryException(r.statusCode(), null, "invalid upload Range \"" + header.get()
          + "\"", what);
    }
  }

  /** The response's Location, or the current one when it names none. */
  private URI nextLocation(HttpResponse<?> r, String what) throws RegistryException {
    return r.headers().firstValue("Location").isPresent()
        ? uploadLocation(r, what) : location;
  }

  /** Cancels the session (DELETE of its Location), best effort: it expires anyway. */
  private void cancel() {
    URI target = location;
    try {
      transport.send(false, () -> HttpRequest.newBuilder(target).timeout(timeout).DELETE(),
          "DELETE " + where + " blob upload").body().close();
    } catch (IOException e) {
      // The session expires on the registry's own schedule.
    }
  }
}
