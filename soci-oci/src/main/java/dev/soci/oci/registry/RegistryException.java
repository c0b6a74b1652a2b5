package dev.soci.oci.registry;

import dev.soci.oci.OciException;

/**
 * A registry answered a request with an error: the HTTP status, the OCI error code of the
 * response body when it has one ({@code UNAUTHORIZED}, {@code MANIFEST_UNKNOWN}, {@code
 * NAME_UNKNOWN}, ...), and its message. The exception's message reads as one line, e.g.
 * {@code unauthorized: authentication required (HTTP 401, GET 127.0.0.1:5000/app manifests/v1)}.
 */
public final class RegistryException extends OciException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status, or 0 when the request got no response. */
  private final int status;
  /** The OCI error code of the response body, or null. */
  private final String errorCode;

  /**
   * @param status the HTTP status, or 0 when the request got no response
   * @param errorCode the OCI error code, or null
   * @param detail the registry's message (or what went wrong)
   * @param request the request, for the message ({@code GET host/repo manifests/tag})
   */
  public RegistryException(int status, String errorCode, String detail, String request) {
    super((errorCode != null ? errorCode.toLowerCase(java.util.Locale.ROOT) + ": " : "")
        + detail + " (" + (status > 0 ? "HTTP " + status + ", " : "") + request + ")");
    this.status = status;
    this.errorCode = errorCode;
  }

  /**
   * The HTTP status, or 0 when there was no response.
   *
   * @return the HTTP status of the failed request, or 0 when it got no response
   */
  public int status() {
    return status;
  }

  /**
   * The OCI error code of the response, or null.
   *
   * @return the OCI error code ({@code MANIFEST_UNKNOWN}, ...) from the response body or implied
   *     by the failure ({@code UNAUTHORIZED} for a refused token), or null when there is none
   */
  public String errorCode() {
    return errorCode;
  }
}
