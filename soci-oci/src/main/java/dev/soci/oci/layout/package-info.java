/**
 * The OCI image layout store: read a layout directory or tar archive ({@link
 * dev.soci.oci.layout.OciLayout}), write a new one atomically ({@link
 * dev.soci.oci.layout.OciLayoutWriter}). Blob paths come only from validated digests, and
 * every blob is checked against its descriptor.
 */
package dev.soci.oci.layout;
