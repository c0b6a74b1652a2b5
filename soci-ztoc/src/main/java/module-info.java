/**
 * soci-ztoc: build, read and serve zTOCs. The API is {@link dev.soci.ztoc.ZtocBuilder} (build),
 * {@link dev.soci.ztoc.ZtocView} (read), {@link dev.soci.ztoc.LayerReader} (serve files of the
 * layer), {@link dev.soci.ztoc.ZtocInfo}, the TOC entry types and the exceptions. The tar parser
 * is plumbing shared with soci-oci only.
 */
module dev.soci.ztoc {
  // Its API throws soci-core's exceptions and takes its RangeSource and Compression.
  requires transitive dev.soci.core;
  // flatbuffers-java has no module descriptor nor Automatic-Module-Name: the name is derived
  // from its file name. It is used inside only, so it does not leak into the API.
  requires flatbuffers.java;

  exports dev.soci.ztoc;
  exports dev.soci.ztoc.internal to dev.soci.oci;
}
