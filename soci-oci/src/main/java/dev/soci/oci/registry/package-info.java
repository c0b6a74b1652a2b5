/**
 * OCI distribution: image references, and (to come) the registry client and content store
 * built on the JDK's {@code java.net.http}.
 */
package dev.soci.oci.registry;
