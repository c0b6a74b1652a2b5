/**
 * The merged root filesystem of one image, read lazily: {@link dev.soci.oci.image.SociImage}
 * lists it from the layers' zTOCs alone and fetches only the spans holding the files read
 * (layers without a zTOC are fetched whole, once). {@link dev.soci.oci.image.ImageEntry} is a
 * path's metadata; the exceptions say which path failed and why.
 */
package dev.soci.oci.image;
