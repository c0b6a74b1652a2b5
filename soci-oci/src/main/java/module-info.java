/**
 * soci-oci: SOCI indexes over OCI images in layouts, stores and registries, and the SOCI file
 * system. Every package is exported for now (the split between API and plumbing of this module
 * follows).
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
  exports dev.soci.oci.layout;
  exports dev.soci.oci.registry;
  exports dev.soci.oci.soci;
  exports dev.soci.oci.store;

  provides java.nio.file.spi.FileSystemProvider with dev.soci.oci.fs.SociFileSystemProvider;
}
