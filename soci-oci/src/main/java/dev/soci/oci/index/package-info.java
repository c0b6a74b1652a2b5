/**
 * The SOCI index model: the index manifest (v1 with a subject, v2 without), its zTOC and
 * prefetch descriptors, the prefetch artifact, and which descriptors are SOCI indexes ({@link
 * dev.soci.oci.index.SociIndexVersion#of(dev.soci.oci.Descriptor)}).
 */
package dev.soci.oci.index;
