/**
 * Building SOCI indexes over an image in an OCI layout: {@link
 * dev.soci.oci.build.SociIndexCreator} (v1, {@code create}) and {@link
 * dev.soci.oci.build.SociConverter} (v2, {@code convert}). The zTOC itself is built by a
 * {@link dev.soci.oci.build.ZtocFactory} supplied by the caller (soci-ztoc provides one).
 */
package dev.soci.oci.build;
