package dev.soci.oci.registry;

import static dev.soci.oci.registry.RegistryTransport.PULL;
import static dev.soci.oci.registry.RegistryTransport.PUSH;
import static dev.soci.oci.registry.RegistryTransport.scope;
import static dev.soci.oci.registry.Responses.checkStatus;
import static dev.soci.oci.registry.Responses.uploadLocation;
import static dev.soci.oci.registry.Responses.withQuery;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writing blobs: the {@code /v2/<name>/blobs/uploads/} sessions (one PUT, or chunks through
 * {@link ChunkedUpload}) and cross-repository mounts.
 */
final class BlobUploads {
  private final RegistryTransport t;
  private final BlobEndpoint blobs;
  private final int chunkSize;

  BlobUploads(RegistryTransport t, BlobEndpoint blobs, int chunkSize) {
    this.t = t;
    this.blobs = blobs;
    this.chunkSize = chunkSize;
  }

  /** See {@link RegistryClient#pushBlob(String, Descriptor, HttpRequest.BodyPublisher)}. */
  boolean pushBlob(String repository, Descriptor blob, HttpRequest.BodyPublisher content)
      throws IOException {
    if (blobs.blobExists(repository, blob.digest())) {
      return false;
    }
    URI location = startUpload(repository);
    String put = "PUT " + t.registry() + "/" + repository + " blob upload of " + blob.digest();
    URI target = withQuery(location, "digest=" + URLEncoder.encode(blob.digest().toString(),
        StandardCharsets.UTF_8));
    HttpResponse<InputStream> done = t.send(repository, PUSH, false, () -> HttpRequest
        .newBuilder(target).timeout(t.timeout()).header("Content-Type", "application/octet-stream")
        .PUT(content), put);
    try (InputStream body = done.body()) {
      checkStatus(done, body, put, 201);
    }
    return true;
  }

  /** See {@link RegistryClient#pushBlob(String, Descriptor, InputStream)}. */
  boolean pushBlob(String repository, Descriptor blob, InputStream content)
      throws IOException {
    if (blobs.blobExists(repository, blob.digest())) {
      return false;
    }
    URI location = startUpload(repository);
    new ChunkedUpload((idempotent, factory, what) -> t.send(repository, PUSH, idempotent, factory,
        what), t.timeout(), location, blob, t.registry() + "/" + repository)
        .run(content, chunkSize);
    return true;
  }

  /** See {@link RegistryClient#pushBlob(String, Descriptor, Path)}. */
  boolean pushBlob(String repository, Descriptor blob, Path file) throws IOException {
    if (Files.size(file) <= chunkSize) {
      return pushBlob(repository, blob, HttpRequest.BodyPublishers.ofFile(file));
    }
    try (InputStream in = Files.newInputStream(file)) {
      return pushBlob(repository, blob, in);
    }
  }

  /** Opens an upload session (POST); its Location. */
  private URI startUpload(String repository) throws IOException {
    String start = "POST " + t.registry() + "/" + repository + " blobs/uploads/";
    HttpResponse<InputStream> r = t.send(repository, PUSH, false, () -> t.request(repository,
        "blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()), start);
    try (InputStream body = r.body()) {
      checkStatus(r, body, start, 202);
      return uploadLocation(r, start);
    }
  }

  /** See {@link RegistryClient#mountBlob(String, Digest, String)}. */
  boolean mountBlob(String repository, Digest digest, String from) throws IOException {
    String what = "POST " + t.registry() + "/" + repository + " mount of " + digest + " from "
        + from;
    String query = "mount=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8)
        + "&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8);
    HttpResponse<InputStream> r = t.send(List.of(scope(repository, PUSH), scope(from, PULL)), false,
        () -> HttpRequest.newBuilder(withQuery(t.endpoint(repository, "blobs/uploads/"), query))
            .timeout(t.timeout()).POST(HttpRequest.BodyPublishers.noBody()), what);
    try (InputStream body = r.body()) {
      if (r.statusCode() == 202) {
        cancelUpload(repository, r, what); // an upload session was opened instead
        return false;
      }
      checkStatus(r, body, what, 201);
      return true;
    }
  }

  /** Best effort: DELETE the upload session a refused mount opened, rather than leave it. */
  private void cancelUpload(String repository, HttpResponse<?> opened, String what) {
    try {
      URI location = uploadLocation(opened, what);
      HttpResponse<InputStream> d = t.send(List.of(scope(repository, PUSH)), true,
          () -> HttpRequest.newBuilder(location).timeout(t.timeout()).DELETE(), "DELETE upload of "
              + what);
      d.body().close();
    } catch (IOException | RuntimeException e) {
      // the session expires on its own; the mount's answer (false) is what matters
    }
  }
}
