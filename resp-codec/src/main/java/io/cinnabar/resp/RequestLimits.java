package io.cinnabar.resp;

/**
 * The limits a {@link RequestDecoder} enforces, with Redis's defaults and the error each one produces.
 *
 * <pre>
 *  limit                      default            exceeded by                          error reply (Redis's text)
 *  maxBulkLength              512 MB             $&lt;n&gt; with n &gt; limit (or n &lt; 0)    ERR Protocol error: invalid bulk length
 *  maxMultibulkLength         2147483647         *&lt;n&gt; with n &gt; limit               ERR Protocol error: invalid multibulk length
 *  maxInlineLength            64 KB              inline line without \n, or a count  ERR Protocol error: too big inline request
 *                                                line without \r, longer than limit  ERR Protocol error: too big mbulk count string
 *                                                                                    ERR Protocol error: too big bulk count string
 *  unauthenticatedMultibulk   10                 *&lt;n&gt;, n &gt; limit, auth required      ERR Protocol error: unauthenticated multibulk length
 *  unauthenticatedBulk        16384              $&lt;n&gt;, n &gt; limit, auth required      ERR Protocol error: unauthenticated bulk length
 * </pre>
 * {@code maxBulkLength} is Redis's {@code proto-max-bulk-len}; Redis does not apply it to the connection from
 * its master, which a server expresses with {@link #withMaxBulkLength(long)} {@code (Long.MAX_VALUE)}.
 * Redis's multibulk limit is {@code INT_MAX} (checked against Redis 7.0.15: {@code *2147483647} is accepted,
 * {@code *2147483648} is refused). Instances are immutable.
 *
 * <p><b>Note:</b> This class is immutable and threadsafe.
 */
public final class RequestLimits {
    /** Redis's {@code proto-max-bulk-len} default: 512 MB. */
    public static final long DEFAULT_MAX_BULK_LENGTH = 512L * 1024 * 1024;
    /** Redis's largest accepted {@code *<n>}: {@code INT_MAX}. */
    public static final long DEFAULT_MAX_MULTIBULK_LENGTH = Integer.MAX_VALUE;
    /** Redis's {@code PROTO_INLINE_MAX_SIZE}: 64 KB. */
    public static final int DEFAULT_MAX_INLINE_LENGTH = 64 * 1024;
    /** Largest {@code *<n>} before authentication when authentication is required. */
    public static final long DEFAULT_UNAUTHENTICATED_MULTIBULK = 10;
    /** Largest {@code $<n>} before authentication when authentication is required. */
    public static final long DEFAULT_UNAUTHENTICATED_BULK = 16384;

    /** Redis's defaults. */
    public static final RequestLimits DEFAULT = new RequestLimits(DEFAULT_MAX_BULK_LENGTH,
        DEFAULT_MAX_MULTIBULK_LENGTH, DEFAULT_MAX_INLINE_LENGTH, DEFAULT_UNAUTHENTICATED_MULTIBULK,
        DEFAULT_UNAUTHENTICATED_BULK);

    private final long maxBulkLength;
    private final long maxMultibulkLength;
    private final int maxInlineLength;
    private final long unauthenticatedMultibulk;
    private final long unauthenticatedBulk;

    private RequestLimits(long maxBulkLength, long maxMultibulkLength, int maxInlineLength,
                          long unauthenticatedMultibulk, long unauthenticatedBulk) {
        if (maxBulkLength < 0 || maxMultibulkLength < 0 || maxInlineLength < 0 || unauthenticatedMultibulk < 0
            || unauthenticatedBulk < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        this.maxBulkLength = maxBulkLength;
        this.maxMultibulkLength = maxMultibulkLength;
        this.maxInlineLength = maxInlineLength;
        this.unauthenticatedMultibulk = unauthenticatedMultibulk;
        this.unauthenticatedBulk = unauthenticatedBulk;
    }

    public long maxBulkLength() {
        return maxBulkLength;
    }

    public long maxMultibulkLength() {
        return maxMultibulkLength;
    }

    public int maxInlineLength() {
        return maxInlineLength;
    }

    public long unauthenticatedMultibulk() {
        return unauthenticatedMultibulk;
    }

    public long unauthenticatedBulk() {
        return unauthenticatedBulk;
    }

    /** @return a copy with {@code proto-max-bulk-len} set to {@code n} */
    public RequestLimits withMaxBulkLength(long n) {
        return new RequestLimits(n, maxMultibulkLength, maxInlineLength, unauthenticatedMultibulk,
            unauthenticatedBulk);
    }

    /** @return a copy with the largest accepted {@code *<n>} set to {@code n} */
    public RequestLimits withMaxMultibulkLength(long n) {
        return new RequestLimits(maxBulkLength, n, maxInlineLength, unauthenticatedMultibulk, unauthenticatedBulk);
    }

    /** @return a copy with the inline (and count line) size limit set to {@code n} */
    public RequestLimits withMaxInlineLength(int n) {
        return new RequestLimits(maxBulkLength, maxMultibulkLength, n, unauthenticatedMultibulk, unauthenticatedBulk);
    }

    /** @return a copy with the limits that apply before authentication set */
    public RequestLimits withUnauthenticated(long multibulk, long bulk) {
        return new RequestLimits(maxBulkLength, maxMultibulkLength, maxInlineLength, multibulk, bulk);
    }

    @Override
    public String toString() {
        return "RequestLimits[maxBulkLength=" + maxBulkLength + ", maxMultibulkLength=" + maxMultibulkLength
            + ", maxInlineLength=" + maxInlineLength + ", unauthenticatedMultibulk=" + unauthenticatedMultibulk
            + ", unauthenticatedBulk=" + unauthenticatedBulk + "]";
    }
}
