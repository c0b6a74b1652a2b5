package dev.soci.oci.registry;

import static dev.soci.oci.registry.RegistryTransport.ATTEMPTS;
import static dev.soci.oci.registry.RegistryTransport.PULL;
import static dev.soci.oci.registry.RegistryTransport.backoff;
import static dev.soci.oci.registry.Responses.checkStatus;
import static dev.soci.oci.registry.Responses.contentLength;

import dev.soci.core.RangeSource;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.internal.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Reading the {@code /v2/<name>/blobs/<digest>} endpoint: whether a blob is there, its whole
 * content (verified as it is read), and random access by range requests.
 */
final class BlobEndpoint {
  private final RegistryTransport t;

  BlobEndpoint(RegistryTransport t) {
    this.t = t;
  }

  /** See {@link RegistryClient#blobExists(String, Digest)}. */
  boolean blobExists(String repository, Digest digest) throws IOException {
    String what = "HEAD " + t.registry() + "/" + repository + " blobs/" + digest;
    HttpResponse<InputStream> r = t.send(repository, PULL, true, () -> t.request(repository,
        "blobs/" + digest).method("HEAD", HttpRequest.BodyPublishers.noBody()), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() == 404) {
        return false;
      }
      if (r.statusCode() == 307 || r.statusCode() == 302 || r.statusCode() == 303) {
        return true; // redirected to its storage: it is there
      }
      checkStatus(r, body, what, 200);
      return true;
    }
  }

  /** See {@link RegistryClient#openBlob(String, Descriptor)}. */
  InputStream openBlob(String repository, Descriptor blob) throws IOException {
    String what = "GET " + t.registry() + "/" + repository + " blobs/" + blob.digest();
    HttpResponse<InputStream> r = t.send(repository, PULL, true,
        () -> t.request(repository, "blobs/" + blob.digest()).GET(), what);
    r = t.followRedirects(r, what, Map.of());
    InputStream body = r.body();
    try {
      checkStatus(r, body, what, 200);
    } catch (IOException | RuntimeException e) {
      body.close();
      throw e;
    }
    return new VerifyingInputStream(body, blob, t.registry() + "/" + repository);
  }

  /** See {@link RegistryClient#openRanges(String, Descriptor)}. */
  RangeSource openRanges(String repository, Descriptor blob) {
    return new RangeSource() {
      @Override
      public long size() {
        return blob.size();
      }

      @Override
      public void readFully(long offset, ByteBuffer dst) throws IOException {
        RangeSource.checkRange(offset, dst.remaining(), blob.size());
        if (dst.hasRemaining()) {
          readRange(repository, blob, offset, dst);
        }
      }
    };
  }

  /**
   * {@link #readRangeOnce}, again from the start when the body breaks off (a dropped
   * connection).
   */
  private void readRange(String repository, Descriptor blob, long offset, ByteBuffer dst)
      throws IOException {
    int start = dst.position();
    for (int attempt = 1; ; attempt++) {
      try {
        readRangeOnce(repository, blob, offset, dst);
        return;
      } catch (RegistryException e) {
        throw e;
      } catch (java.io.InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (attempt >= ATTEMPTS) {
          throw new RegistryException(0, null, "the connection broke off reading " + dst.remaining()
              + " more bytes (" + e.getMessage() + ")", "GET " + t.registry() + "/" + repository
              + " blobs/" + blob.digest() + " bytes=" + offset + "-");
        }
        dst.position(start);
        backoff(attempt, "range read");
      }
    }
  }

  private void readRangeOnce(String repository, Descriptor blob, long offset, ByteBuffer dst)
      throws IOException {
    int len = dst.remaining();
    long last = offset + len - 1;
    String range = "bytes=" + offset + "-" + last;
    String what = "GET " + t.registry() + "/" + repository + " blobs/" + blob.digest() + " "
        + range;
    Map<String, String> headers = Map.of("Range", range, "Accept-Encoding", "identity");
    HttpResponse<InputStream> r = t.send(repository, PULL, true, () -> {
      HttpRequest.Builder b = t.request(repository, "blobs/" + blob.digest()).GET();
      headers.forEach(b::header);
      return b;
    }, what);
    r = t.followRedirects(r, what, headers);
    try (InputStream body = r.body()) {
      boolean whole = offset == 0 && len == blob.size();
      if (r.statusCode() == 200) {
        // A 200 is the whole blob: the answer asked for only when the range was the whole blob
        // (RFC 9110 lets a server send it then), and only with exactly that length.
        if (!whole || contentLength(r) != blob.size()) {
          throw new RegistryException(200, null, "the registry ignored the Range header and"
              + " sent the whole blob", what);
        }
      } else {
        checkStatus(r, body, what, 206);
        String expected = "bytes " + offset + "-" + last + "/" + blob.size();
        String got = r.headers().firstValue("Content-Range").orElse("");
        if (!got.strip().equals(expected)
            && !got.strip().equals("bytes " + offset + "-" + last + "/*")) {
          throw new RegistryException(206, null, "the registry answered Content-Range \"" + got
              + "\" for " + expected, what);
        }
      }
      int start = dst.position();
      byte[] buf = new byte[Math.min(len, 64 * 1024)];
      while (dst.hasRemaining()) {
        int n = body.read(buf, 0, Math.min(buf.length, dst.remaining()));
        if (n < 0) {
          throw new RegistryException(206, null, "the response ended after "
              + (dst.position() - start) + " of " + len + " bytes", what);
        }
        dst.put(buf, 0, n);
      }
      // The end of the body, so the connection goes back to the pool (and a longer body than
      // the range is caught rather than ignored).
      if (body.read() >= 0) {
        throw new RegistryException(r.statusCode(), null, "the response is longer than the "
            + len + " bytes asked for", what);
      }
    }
  }
}
