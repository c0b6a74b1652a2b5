package dev.soci.oci.registry;

import dev.soci.oci.internal.Referrers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.InvalidDigestException;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory OCI distribution registry with the referrers API, for tests: our own server,
 * written from the OCI distribution spec 1.1
 * (https://github.com/opencontainers/distribution-spec/blob/main/spec.md), because nothing
 * installable on this machine implements that API (distribution 2.8.2 answers it with a
 * plain-text 404; see FORMATS.md section 4.3).
 *
 * <p>It serves just what {@link RegistryClient} uses, on {@code 127.0.0.1} and a free port:
 * {@code GET /v2/}; blobs {@code HEAD}/{@code GET} (one {@code Range} gives 206 with {@code
 * Content-Range}, several are ignored, an unsatisfiable one is a 416) and {@code DELETE};
 * uploads ({@code POST} giving 202 and a {@code Location}, or 201 for {@code ?digest=} and a
 * possible {@code ?mount=&from=}; {@code PATCH} chunks; {@code PUT ?digest=} checking the
 * digest); manifests {@code GET}/{@code HEAD}/{@code PUT}/{@code DELETE} by tag or digest,
 * stored byte for byte, config, layers and index children required to exist; and {@code GET
 * /v2/<name>/referrers/<digest>[?artifactType=]}, an image index of the descriptors of every
 * stored manifest whose {@code subject} is that digest ({@code artifactType}: the manifest's,
 * else its config media type; its annotations), empty when there are none. A manifest PUT with
 * a {@code subject} is answered with {@code OCI-Subject}. Errors carry the spec's JSON body
 * ({@code MANIFEST_UNKNOWN}, {@code NAME_UNKNOWN}, {@code DIGEST_INVALID}, ...). {@code Accept}
 * is not negotiated: a manifest is served with the type it was pushed with.
 *
 * <p>Options ({@link Builder}): whether the {@code artifactType} filter is applied (and said so
 * with {@code OCI-Filters-Applied}) or silently ignored, as go-containerregistry's registry
 * does; a page size, beyond which referrers come in pages chained by {@code Link: <...>;
 * rel="next"}; links relative, absolute, or (for hostile-server tests) on another origin, and
 * optionally a {@code rel="prev"} link before the next one; later pages that break off; and a
 * registry without the API (a plain 404 or a 200 HTML page, neither with {@code OCI-Subject}).
 *
 * <p>No authentication, no persistence, no garbage collection; each response closes its
 * connection (see {@code handle}). Thread-safe (one lock).
 */
final class ReferrersRegistry implements AutoCloseable {
  /** How a registry answers {@code /referrers/}. */
  enum Api {
    /** The OCI 1.1 referrers API, and {@code OCI-Subject} on pushes with a subject. */
    SPEC,
    /** No API: a plain-text 404, as distribution 2.8.2 answers. */
    NOT_FOUND,
    /** No API behind a front-end that answers unknown paths with a 200 HTML page. */
    HTML_PAGE
  }

  /** Manifests larger than this are refused with 413 (the spec's "at least 4 megabytes"). */
  static final int MAX_MANIFEST = 4 << 20;
  /** Blobs larger than this are refused (test content is small; memory stays bounded). */
  static final int MAX_BLOB = 64 << 20;
  private static final int MAX_LOGGED = 100_000;

  // Repository names and tags as the spec's Pull section defines them.
  private static final Pattern NAME = Pattern.compile(
      "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
  private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([^/]*)");
  private static final Pattern ROUTE =
      Pattern.compile("/v2/(.+)/(blobs|manifests|referrers)/([^/]+)");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");
  private static final Pattern CONTENT_RANGE = Pattern.compile("(\\d{1,18})-(\\d{1,18})");

  private final boolean filters;
  private final int pageSize;
  private final boolean absoluteLinks;
  private final String linkOrigin;
  private final boolean prevLinks;
  private final Api api;
  private final Api laterPages;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, Repo> repos = new HashMap<>();
  private final Map<String, Upload> uploads = new HashMap<>();
  private final List<String> requests = new ArrayList<>();

  /** A stored manifest: its bytes and type, and its subject (null when it has none). */
  private record Stored(byte[] bytes, String mediaType, Digest digest, Digest subject,
      Descriptor asReferrer) {}

  /** One repository's content. */
  private static final class Repo {
    final Map<Digest, byte[]> blobs = new HashMap<>();
    /** In push order: referrers are listed in that order, pages follow it. */
    final LinkedHashMap<Digest, Stored> manifests = new LinkedHashMap<>();
    final Map<String, Digest> tags = new HashMap<>();
  }

  /** An upload session. */
  private static final class Upload {
    final String repository;
    final ByteArrayOutputStream content = new ByteArrayOutputStream();

    Upload(String repository) {
      this.repository = repository;
    }
  }

  private ReferrersRegistry(Builder b) throws IOException {
    this.filters = b.filters;
    this.pageSize = b.pageSize;
    this.absoluteLinks = b.absoluteLinks;
    this.linkOrigin = b.linkOrigin;
    this.prevLinks = b.prevLinks;
    this.api = b.api;
    this.laterPages = b.laterPages;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "referrers-registry");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
  }

  /** A builder: filtering on, no pages, relative links, the referrers API. */
  static Builder builder() {
    return new Builder();
  }

  /** A registry with the defaults of {@link #builder()}. */
  static ReferrersRegistry start() throws IOException {
    return builder().start();
  }

  /** {@code 127.0.0.1:PORT}. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every request so far, as {@code METHOD path[?query]}, in arrival order. */
  synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many requests so far had a path containing {@code fragment}. */
  synchronized long requestsTo(String fragment) {
    return requests.stream().filter(r -> r.contains(fragment)).count();
  }

  /**
   * Stores a manifest as if pushed under {@code reference} (a tag, or its digest), without
   * checking that the blobs it names exist: for tests that need many manifests quickly.
   */
  synchronized Digest store(String repository, String reference, String mediaType, byte[] bytes)
      throws OciException {
    Stored s = parse(bytes, mediaType);
    Repo repo = repos.computeIfAbsent(repository, k -> new Repo());
    repo.manifests.put(s.digest(), s);
    if (!reference.contains(":")) {
      repo.tags.put(reference, s.digest());
    }
    return s.digest();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ------------------------------------------------------------------ dispatch

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      String query = x.getRequestURI().getRawQuery();
      synchronized (this) {
        if (requests.size() < MAX_LOGGED) {
          requests.add(x.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
        }
      }
      x.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
      // The JDK server writes a response's headers and body separately; on a kept-alive
      // connection Nagle holds the body until the client's delayed ACK of the headers, ~40 ms a
      // response. Measured here: 200 pages took 10 s kept alive, 2 s with a connection each.
      x.getResponseHeaders().set("Connection", "close");
      try {
        route(x, path, query == null ? Map.of() : params(query));
      } catch (HttpError e) {
        sendError(x, e);
      } catch (RuntimeException e) {
        sendError(x, new HttpError(500, "UNKNOWN", e.toString()));
      }
    }
  }

  private void route(HttpExchange x, String path, Map<String, String> q) throws IOException {
    String method = x.getRequestMethod();
    if (path.equals("/v2/") || path.equals("/v2")) {
      send(x, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    Matcher up = UPLOAD.matcher(path);
    if (up.matches()) {
      String name = name(up.group(1));
      String id = up.group(2);
      if (id.isEmpty() && method.equals("POST")) {
        startUpload(x, name, q);
      } else if (!id.isEmpty() && method.equals("PATCH")) {
        patchUpload(x, name, id);
      } else if (!id.isEmpty() && method.equals("PUT")) {
        finishUpload(x, name, id, q);
      } else if (!id.isEmpty() && method.equals("GET")) {
        Upload u = upload(name, id);
        synchronized (this) {
          uploadHeaders(x, name, id, u.content.size());
        }
        send(x, 204, null, null);
      } else if (!id.isEmpty() && method.equals("DELETE")) {
        upload(name, id);
        synchronized (this) {
          uploads.remove(id);
        }
        send(x, 204, null, null);
      } else {
        throw new HttpError(405, "UNSUPPORTED", method + " of an upload");
      }
      return;
    }
    Matcher m = ROUTE.matcher(path);
    if (!m.matches()) {
      throw new HttpError(404, "UNSUPPORTED", "no such endpoint " + path);
    }
    String name = name(m.group(1));
    String ref = m.group(3);
    switch (m.group(2) + " " + method) {
      case "blobs GET", "blobs HEAD" -> getBlob(x, name, digest(ref), method.equals("HEAD"));
      case "blobs DELETE" -> deleteBlob(x, name, digest(ref));
      case "manifests GET", "manifests HEAD" -> getManifest(x, name, ref, method.equals("HEAD"));
      case "manifests PUT" -> putManifest(x, name, ref);
      case "manifests DELETE" -> deleteManifest(x, name, ref);
      case "referrers GET" -> referrers(x, name, ref, q);
      default -> throw new HttpError(405, "UNSUPPORTED", method + " of " + m.group(2));
    }
  }

  // ------------------------------------------------------------------ blobs

  private void getBlob(HttpExchange x, String name, Digest d, boolean head) throws IOException {
    byte[] blob;
    synchronized (this) {
      blob = repo(name).blobs.get(d);
    }
    if (blob == null) {
      throw new HttpError(404, "BLOB_UNKNOWN", "blob unknown to registry");
    }
    x.getResponseHeaders().set("Docker-Content-Digest", d.toString());
    x.getResponseHeaders().set("Accept-Ranges", "bytes");
    String range = x.getRequestHeaders().getFirst("Range");
    Matcher r = range == null ? null : RANGE.matcher(range.strip());
    if (r == null || !r.matches()) {
      send(x, 200, "application/octet-stream", blob, head); // no Range, or several: the whole
      return;
    }
    long size = blob.length;
    long first;
    long last;
    if (r.group(1).isEmpty()) { // suffix: the last N bytes
      if (r.group(2).isEmpty()) {
        throw unsatisfiable(x, size);
      }
      first = Math.max(0, size - Long.parseLong(r.group(2)));
      last = size - 1;
    } else {
      first = Long.parseLong(r.group(1));
      last = r.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(r.group(2)));
    }
    if (first >= size || first > last) {
      throw unsatisfiable(x, size);
    }
    x.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + size);
    send(x, 206, "application/octet-stream",
        Arrays.copyOfRange(blob, (int) first, (int) last + 1), head);
  }

  private static HttpError unsatisfiable(HttpExchange x, long size) {
    x.getResponseHeaders().set("Content-Range", "bytes */" + size);
    return new HttpError(416, "UNSUPPORTED", "range not satisfiable"); // the spec has no code
  }

  private void deleteBlob(HttpExchange x, String name, Digest d) throws IOException {
    synchronized (this) {
      if (repo(name).blobs.remove(d) == null) {
        throw new HttpError(404, "BLOB_UNKNOWN", "blob unknown to registry");
      }
    }
    send(x, 202, null, null);
  }

  private void startUpload(HttpExchange x, String name, Map<String, String> q) throws IOException {
    byte[] body = readBody(x, MAX_BLOB);
    int status;
    synchronized (this) {
      status = startUploadLocked(x, name, q, body);
    }
    send(x, status, null, null);
  }

  /** A mount (201), a monolithic upload (201), or else a new session (202). */
  private int startUploadLocked(HttpExchange x, String name, Map<String, String> q, byte[] body)
      throws HttpError {
    if (q.containsKey("mount")) {
      Digest d = digest(q.get("mount"));
      Repo from = repos.get(q.getOrDefault("from", ""));
      if (from != null && from.blobs.containsKey(d)) {
        repos.computeIfAbsent(name, k -> new Repo()).blobs.put(d, from.blobs.get(d));
        blobCreated(x, name, d);
        return 201;
      } // else an upload session: what the spec says a registry that cannot mount answers
    } else if (q.containsKey("digest")) {
      Digest d = digest(q.get("digest"));
      checkDigest(d, body);
      repos.computeIfAbsent(name, k -> new Repo()).blobs.put(d, body);
      blobCreated(x, name, d);
      return 201;
    }
    String id = UUID.randomUUID().toString();
    uploads.put(id, new Upload(name));
    uploadHeaders(x, name, id, 0);
    return 202;
  }

  private void patchUpload(HttpExchange x, String name, String id) throws IOException {
    Upload u = upload(name, id);
    byte[] chunk = readBody(x, MAX_BLOB);
    String cr = x.getRequestHeaders().getFirst("Content-Range");
    synchronized (this) {
      if (cr != null) {
        Matcher m = CONTENT_RANGE.matcher(cr.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) != u.content.size()
            || Long.parseLong(m.group(2)) != u.content.size() + chunk.length - 1L) {
          uploadHeaders(x, name, id, u.content.size());
          throw new HttpError(416, "BLOB_UPLOAD_INVALID", "chunk out of order: " + cr);
        }
      }
      append(u, chunk);
      uploadHeaders(x, name, id, u.content.size());
    }
    send(x, 202, null, null);
  }

  private void finishUpload(HttpExchange x, String name, String id, Map<String, String> q)
      throws IOException {
    Upload u = upload(name, id);
    byte[] last = readBody(x, MAX_BLOB);
    Digest d = digest(q.getOrDefault("digest", ""));
    synchronized (this) {
      append(u, last);
      uploads.remove(id); // done, or failed: the session ends either way
      byte[] content = u.content.toByteArray();
      checkDigest(d, content);
      repos.computeIfAbsent(name, k -> new Repo()).blobs.put(d, content);
      blobCreated(x, name, d);
    }
    send(x, 201, null, null);
  }

  private static void append(Upload u, byte[] chunk) throws HttpError {
    if ((long) u.content.size() + chunk.length > MAX_BLOB) {
      throw new HttpError(413, "SIZE_INVALID", "blob larger than " + MAX_BLOB + " bytes");
    }
    u.content.write(chunk, 0, chunk.length);
  }

  private static void checkDigest(Digest d, byte[] content) throws HttpError {
    if (!Digest.of(content).equals(d)) {
      throw new HttpError(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
    }
  }

  private static void uploadHeaders(HttpExchange x, String name, String id, long size) {
    x.getResponseHeaders().set("Location", "/v2/" + name + "/blobs/uploads/" + id);
    x.getResponseHeaders().set("Range", "0-" + Math.max(0, size - 1));
    x.getResponseHeaders().set("Docker-Upload-UUID", id);
  }

  private static void blobCreated(HttpExchange x, String name, Digest d) {
    x.getResponseHeaders().set("Location", "/v2/" + name + "/blobs/" + d);
    x.getResponseHeaders().set("Docker-Content-Digest", d.toString());
  }

  private synchronized Upload upload(String name, String id) throws HttpError {
    Upload u = uploads.get(id);
    if (u == null || !u.repository.equals(name)) {
      throw new HttpError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
    }
    return u;
  }

  // ------------------------------------------------------------------ manifests

  private void getManifest(HttpExchange x, String name, String ref, boolean head)
      throws IOException {
    Stored s;
    synchronized (this) {
      s = resolve(name, ref);
    }
    x.getResponseHeaders().set("Docker-Content-Digest", s.digest().toString());
    send(x, 200, s.mediaType(), s.bytes(), head);
  }

  private void putManifest(HttpExchange x, String name, String ref) throws IOException {
    boolean byDigest = ref.contains(":");
    Digest asked = byDigest ? digest(ref) : null;
    if (!byDigest && !TAG.matcher(ref).matches()) {
      throw new HttpError(400, "TAG_INVALID", "invalid tag " + ref);
    }
    byte[] body = readBody(x, MAX_MANIFEST);
    String type = x.getRequestHeaders().getFirst("Content-Type");
    Stored s;
    try {
      s = parse(body, type == null ? "" : type.split(";", 2)[0].strip());
    } catch (OciException e) {
      throw new HttpError(400, "MANIFEST_INVALID", e.getMessage());
    }
    if (asked != null && !asked.equals(s.digest())) {
      throw new HttpError(400, "DIGEST_INVALID", "manifest digest is " + s.digest());
    }
    synchronized (this) {
      Repo repo = repos.computeIfAbsent(name, k -> new Repo());
      requireReferenced(repo, s);
      repo.manifests.put(s.digest(), s);
      if (!byDigest) {
        repo.tags.put(ref, s.digest());
      }
    }
    x.getResponseHeaders().set("Location", "/v2/" + name + "/manifests/" + s.digest());
    x.getResponseHeaders().set("Docker-Content-Digest", s.digest().toString());
    if (s.subject() != null && api == Api.SPEC) {
      x.getResponseHeaders().set("OCI-Subject", s.subject().toString());
    }
    send(x, 201, null, null);
  }

  /**
   * Like distribution, the blobs (and index children) a manifest names must be in the repository
   * already: a client that pushes out of order is caught here.
   */
  private static void requireReferenced(Repo repo, Stored s) throws HttpError {
    if (MediaTypes.isIndex(s.mediaType())) {
      for (Descriptor d : parseIndex(s.bytes()).manifests()) {
        if (!repo.manifests.containsKey(d.digest())) {
          throw new HttpError(400, "MANIFEST_BLOB_UNKNOWN", "manifest " + d.digest()
              + " unknown to the repository");
        }
      }
      return;
    }
    ImageManifest m = parseManifest(s.bytes());
    List<Descriptor> blobs = new ArrayList<>(m.layers());
    blobs.add(m.config());
    for (Descriptor d : blobs) {
      if (!repo.blobs.containsKey(d.digest())) {
        throw new HttpError(400, "MANIFEST_BLOB_UNKNOWN", "blob " + d.digest()
            + " unknown to the repository");
      }
    }
  }

  private void deleteManifest(HttpExchange x, String name, String ref) throws IOException {
    synchronized (this) {
      Repo repo = repo(name);
      if (!ref.contains(":")) { // a tag (spec 1.1: tag deletion)
        if (repo.tags.remove(ref) == null) {
          throw new HttpError(404, "MANIFEST_UNKNOWN", "manifest unknown");
        }
      } else {
        Digest d = digest(ref);
        if (repo.manifests.remove(d) == null) {
          throw new HttpError(404, "MANIFEST_UNKNOWN", "manifest unknown");
        }
        repo.tags.values().removeIf(d::equals);
      }
    }
    send(x, 202, null, null);
  }

  /** The manifest a tag or digest names. */
  private Stored resolve(String name, String ref) throws HttpError {
    Repo repo = repo(name);
    Digest d;
    if (ref.contains(":")) {
      d = digest(ref);
    } else {
      d = repo.tags.get(ref);
    }
    Stored s = d == null ? null : repo.manifests.get(d);
    if (s == null) {
      throw new HttpError(404, "MANIFEST_UNKNOWN", "manifest unknown");
    }
    return s;
  }

  /**
   * Reads a pushed manifest: by its content type an index or an image manifest (whose {@code
   * mediaType} field, if any, must agree), with its subject and its descriptor as a referrer.
   */
  private static Stored parse(byte[] bytes, String contentType) throws OciException {
    Digest digest = Digest.of(bytes);
    if (MediaTypes.isIndex(contentType)) {
      ImageIndex i = ImageIndex.parse(bytes);
      agree(i.mediaType(), contentType);
      Descriptor as = Descriptor.builder(contentType, digest, bytes.length)
          .artifactType(i.artifactType()).annotations(i.annotations()).build();
      return new Stored(bytes, contentType, digest,
          i.subject() == null ? null : i.subject().digest(), as);
    }
    if (MediaTypes.isManifest(contentType)) {
      ImageManifest m = ImageManifest.parse(bytes);
      agree(m.mediaType(), contentType);
      String artifactType = m.artifactType().isEmpty() ? m.config().mediaType() : m.artifactType();
      Descriptor as = Descriptor.builder(contentType, digest, bytes.length)
          .artifactType(artifactType).annotations(m.annotations()).build();
      return new Stored(bytes, contentType, digest,
          m.subject() == null ? null : m.subject().digest(), as);
    }
    throw new OciException("unsupported manifest type \"" + contentType + "\"");
  }

  private static void agree(String field, String contentType) throws OciException {
    if (!field.isEmpty() && !field.equals(contentType)) {
      throw new OciException("mediaType " + field + " is not the Content-Type " + contentType);
    }
  }

  private static ImageIndex parseIndex(byte[] bytes) throws HttpError {
    try {
      return ImageIndex.parse(bytes);
    } catch (OciException e) {
      throw new HttpError(400, "MANIFEST_INVALID", e.getMessage());
    }
  }

  private static ImageManifest parseManifest(byte[] bytes) throws HttpError {
    try {
      return ImageManifest.parse(bytes);
    } catch (OciException e) {
      throw new HttpError(400, "MANIFEST_INVALID", e.getMessage());
    }
  }

  // ------------------------------------------------------------------ referrers

  private void referrers(HttpExchange x, String name, String ref, Map<String, String> q)
      throws IOException {
    Api mode = q.containsKey("last") ? laterPages : api;
    if (mode == Api.NOT_FOUND) {
      send(x, 404, "text/plain; charset=utf-8",
          "404 page not found\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (mode == Api.HTML_PAGE) {
      send(x, 200, "text/html; charset=utf-8",
          "<html><body>Welcome</body></html>".getBytes(StandardCharsets.UTF_8));
      return;
    }
    Digest subject = digest(ref);
    String artifactType = q.getOrDefault("artifactType", "");
    boolean filter = filters && !artifactType.isEmpty();
    List<Descriptor> all = new ArrayList<>();
    synchronized (this) {
      Repo repo = repos.get(name);
      if (repo == null) {
        throw new HttpError(404, "NAME_UNKNOWN", "repository name not known to registry");
      }
      for (Stored s : repo.manifests.values()) {
        if (subject.equals(s.subject())
            && (!filter || s.asReferrer().artifactType().equals(artifactType))) {
          all.add(s.asReferrer());
        }
      }
    }
    List<Descriptor> page = all;
    if (pageSize > 0) {
      int from = 0;
      if (q.containsKey("last")) {
        Digest last = digest(q.get("last"));
        from = all.size(); // a last one no longer listed: nothing after it
        for (int i = 0; i < all.size(); i++) {
          if (all.get(i).digest().equals(last)) {
            from = i + 1;
          }
        }
      }
      int to = Math.min(all.size(), from + pageSize);
      page = all.subList(from, to);
      String origin = linkOrigin != null ? linkOrigin : absoluteLinks ? "http://" + address() : "";
      String filterParam = artifactType.isEmpty() ? "" : "&artifactType=" + enc(artifactType);
      List<String> links = new ArrayList<>();
      if (prevLinks && from > 0) {
        // Another relation before "next" in the same header (RFC 8288 allows it).
        links.add("<" + origin + "/v2/" + name + "/referrers/" + subject + "?n=" + pageSize
            + filterParam + ">; rel=\"prev\"; title=\"a, b; c\"");
      }
      if (to < all.size()) {
        links.add("<" + origin + "/v2/" + name + "/referrers/" + subject + "?n=" + pageSize
            + "&last=" + enc(page.get(page.size() - 1).digest().toString()) + filterParam
            + ">; rel=\"next\"");
      }
      if (!links.isEmpty()) {
        x.getResponseHeaders().set("Link", String.join(", ", links));
      }
    }
    if (filter) {
      x.getResponseHeaders().set("OCI-Filters-Applied", "artifactType");
    }
    send(x, 200, MediaTypes.OCI_INDEX, ImageIndex.of(page).toJson());
  }

  // ------------------------------------------------------------------ plumbing

  /** An error answer: status and the spec's {@code errors} JSON. */
  private static final class HttpError extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    HttpError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  private static void sendError(HttpExchange x, HttpError e) throws IOException {
    String json = "{\"errors\":[{\"code\":\"" + e.code + "\",\"message\":"
        + new String(dev.soci.oci.internal.GoJson.quote(String.valueOf(e.getMessage())),
            StandardCharsets.UTF_8) + ",\"detail\":{}}]}";
    send(x, e.status, "application/json", json.getBytes(StandardCharsets.UTF_8),
        x.getRequestMethod().equals("HEAD"));
  }

  private static void send(HttpExchange x, int status, String type, byte[] body)
      throws IOException {
    send(x, status, type, body, false);
  }

  /** Sends a response; for HEAD, its headers with the length the body would have. */
  private static void send(HttpExchange x, int status, String type, byte[] body, boolean head)
      throws IOException {
    if (type != null) {
      x.getResponseHeaders().set("Content-Type", type);
    }
    if (body == null || body.length == 0) {
      x.sendResponseHeaders(status, -1);
      return;
    }
    if (head) {
      // The JDK server sets no length for HEAD itself: the header is set by hand.
      x.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
      x.sendResponseHeaders(status, -1);
      return;
    }
    x.sendResponseHeaders(status, body.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(body);
    }
  }

  /** The request body, refused with 413 past {@code max} bytes. */
  private static byte[] readBody(HttpExchange x, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = x.getRequestBody()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (out.size() + n > max) {
          throw new HttpError(413, "SIZE_INVALID", "body larger than " + max + " bytes");
        }
        out.write(buf, 0, n);
      }
    }
    return out.toByteArray();
  }

  private Repo repo(String name) throws HttpError {
    Repo r = repos.get(name);
    if (r == null) {
      throw new HttpError(404, "NAME_UNKNOWN", "repository name not known to registry");
    }
    return r;
  }

  private static String name(String name) throws HttpError {
    if (!NAME.matcher(name).matches()) {
      throw new HttpError(400, "NAME_INVALID", "invalid repository name " + name);
    }
    return name;
  }

  private static Digest digest(String s) throws HttpError {
    try {
      return Digest.parse(s);
    } catch (InvalidDigestException e) {
      throw new HttpError(400, "DIGEST_INVALID", e.getMessage());
    }
  }

  private static Map<String, String> params(String rawQuery) {
    Map<String, String> m = new HashMap<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      m.putIfAbsent(k, v);
    }
    return m;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Options of a {@link ReferrersRegistry}. */
  static final class Builder {
    private boolean filters = true;
    private int pageSize;
    private boolean absoluteLinks;
    private String linkOrigin;
    private boolean prevLinks;
    private Api api = Api.SPEC;
    private Api laterPages = Api.SPEC;

    private Builder() {}

    /**
     * Whether {@code ?artifactType=} is applied (and {@code OCI-Filters-Applied: artifactType}
     * sent); when false it is ignored without a word, and the client must filter. On by default.
     */
    Builder filters(boolean v) {
      filters = v;
      return this;
    }

    /** Referrers a page, the rest behind {@code Link: <...>; rel="next"}; 0 (default): one page. */
    Builder pageSize(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("negative page size " + v);
      }
      pageSize = v;
      return this;
    }

    /** Next links as absolute URLs of this server instead of paths. */
    Builder absoluteLinks(boolean v) {
      absoluteLinks = v;
      return this;
    }

    /** Next links on another origin ({@code http://host:port}), as a hostile server would send. */
    Builder linkOrigin(String origin) {
      linkOrigin = origin;
      return this;
    }

    /** Whether pages after the first also link back ({@code rel="prev"}, before the next link). */
    Builder prevLinks(boolean v) {
      prevLinks = v;
      return this;
    }

    /** How {@code /referrers/} is answered; {@link Api#SPEC} by default. */
    Builder api(Api v) {
      api = v;
      return this;
    }

    /**
     * How pages after the first are answered, to test a server that breaks off mid-listing;
     * {@link Api#SPEC} by default.
     */
    Builder laterPages(Api v) {
      laterPages = v;
      return this;
    }

    /** Starts the server. */
    ReferrersRegistry start() throws IOException {
      return new ReferrersRegistry(this);
    }
  }
}
