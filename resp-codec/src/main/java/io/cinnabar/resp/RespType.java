package io.cinnabar.resp;

/**
 * The RESP type bytes: one constant per type, the first byte of every element on the wire.
 *
 * <pre>
 *  RESP2 (and RESP3)                         RESP3 only
 *  +&lt;text&gt;\r\n        simple string           _\r\n                 null
 *  -&lt;text&gt;\r\n        error                   ,&lt;double&gt;\r\n        double (inf, -inf, nan)
 *  :&lt;int64&gt;\r\n       integer                 #t\r\n  #f\r\n         boolean
 *  $&lt;len&gt;\r\n&lt;bytes&gt;\r\n  bulk string          !&lt;len&gt;\r\n&lt;bytes&gt;\r\n  blob error
 *  $-1\r\n             null bulk (RESP2)       =&lt;len&gt;\r\nfmt:&lt;bytes&gt;\r\n verbatim string (fmt: 3 bytes)
 *  *&lt;n&gt;\r\n&lt;n elements&gt; array               (&lt;digits&gt;\r\n          big number
 *  *-1\r\n             null array (RESP2)      %&lt;n&gt;\r\n&lt;2n elements&gt;  map
 *                                            ~&lt;n&gt;\r\n&lt;n elements&gt;   set
 *                                            |&lt;n&gt;\r\n&lt;2n elements&gt;  attribute (then the value it describes)
 *                                            &gt;&lt;n&gt;\r\n&lt;n elements&gt;   push
 *  streamed (RESP3, decode only):
 *    $?\r\n ;&lt;len&gt;\r\n&lt;bytes&gt;\r\n ... ;0\r\n             streamed string in chunks
 *    *?\r\n  %?\r\n  ~?\r\n  &lt;elements&gt; ... .\r\n             streamed aggregate, ended by '.'
 * </pre>
 * Worked example: {@code SET k v} as a request is {@code *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n} (27 bytes);
 * {@code HGETALL} of {@code {f: v}} is {@code %1\r\n$1\r\nf\r\n$1\r\nv\r\n} in RESP3 and
 * {@code *2\r\n$1\r\nf\r\n$1\r\nv\r\n} in RESP2.
 *
 * <p><b>Note:</b> This class holds constants only and is threadsafe.
 */
public final class RespType {
    public static final byte SIMPLE_STRING = '+';
    public static final byte ERROR = '-';
    public static final byte INTEGER = ':';
    public static final byte BULK_STRING = '$';
    public static final byte ARRAY = '*';
    public static final byte NULL = '_';
    public static final byte DOUBLE = ',';
    public static final byte BOOLEAN = '#';
    public static final byte BLOB_ERROR = '!';
    public static final byte VERBATIM_STRING = '=';
    public static final byte BIG_NUMBER = '(';
    public static final byte MAP = '%';
    public static final byte SET = '~';
    public static final byte ATTRIBUTE = '|';
    public static final byte PUSH = '>';
    /** A chunk of a streamed string: {@code ;<len>\r\n<bytes>\r\n}; {@code ;0\r\n} ends the string. */
    public static final byte STREAMED_CHUNK = ';';
    /** The end of a streamed aggregate: {@code .\r\n}. */
    public static final byte STREAMED_END = '.';
    /** The length of a streamed string or aggregate: {@code $?}, {@code *?}, {@code %?}, {@code ~?}. */
    public static final byte STREAMED_LENGTH = '?';

    /** The bytes that end every line. */
    public static final byte CR = '\r';
    public static final byte LF = '\n';

    /** Bytes of the format prefix of a verbatim string ({@code txt:}), the colon included. */
    public static final int VERBATIM_PREFIX = 4;

    private RespType() {
    }
}
