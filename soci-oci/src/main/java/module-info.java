/**
 * soci-oci: SOCI indexes over OCI images in layouts, stores and registries, and the SOCI file
 * system. The API: the OCI model ({@code dev.soci.oci}), creating and converting ({@code build}),
 * the SOCI index documents ({@code index}), content stores ({@code store}, {@code layout}, {@code
 * registry}), lazy image reads ({@code image}) and the file system ({@code fs}). Go-exact JSON,
 * temporary outputs, verified copies and the referrers and authentication details are plumbing
 * ({@code dev.soci.oci.internal}), shared with the CLI only.
 */
module dev.soci.oci {
  // Its API returns zTOC views and layer readers, and throws soci-core's exceptions.
  requires transitive dev.soci.ztoc;
  // RegistryClient.pushBlob takes an HttpRequest.BodyPublisher.
  requires transitive java.net.http;
  requires com.fasterxml.jackson.databind;

  exports dev.soci.oci;
  exports dev.soci.oci.build;
  exports dev.soci.oci.fs;
  exports dev.soci.oci.image;
  exports dev.soci.oci.index;
  exports dev.soci.oci.layout;
  exports dev.soci.oci.registry;
  exports dev.soci.oci.store;
  // The CLI writes its outputs through TempPaths (atomic, signal-safe temporary files).
  exports dev.soci.oci.internal to dev.soci.examples;

  provides java.nio.file.spi.FileSystemProvider with dev.soci.oci.fs.SociFileSystemProvider;
}
