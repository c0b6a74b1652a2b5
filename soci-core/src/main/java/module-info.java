/**
 * soci-core: random access into gzip layers. The API is the exception hierarchy ({@link
 * dev.soci.core.SociException} and its subclasses), {@link dev.soci.core.Compression}, {@link
 * dev.soci.core.RangeSource} and {@link dev.soci.core.GunzipInputStream} (the pure-Java inflater
 * as a stream). The deflate decoder, the indexer, span decompression and the digest
 * helpers are plumbing of the sibling modules: exported to them only.
 */
module dev.soci.core {
  exports dev.soci.core;
  exports dev.soci.core.internal to dev.soci.ztoc, dev.soci.oci;
}
