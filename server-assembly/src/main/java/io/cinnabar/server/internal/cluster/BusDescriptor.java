package io.cinnabar.server.internal.cluster;

/**
 * The layout of a Redis Cluster bus message (Redis 7.2 {@code clusterMsg}), all integers big-endian (network
 * order), strings NUL-padded. One header of {@value #HEADER_LENGTH} bytes, then a body that depends on the type.
 * <pre>
 *  offset size  field
 *       0    4  sig           "RCmb"
 *       4    4  totlen        length of the whole message, header included
 *       8    2  ver           protocol version, 1
 *      10    2  port          client port of the sender (TCP, or TLS when tls-cluster)
 *      12    2  type          PING 0, PONG 1, MEET 2, FAIL 3, PUBLISH 4, FAILOVER_AUTH_REQUEST 5,
 *                             FAILOVER_AUTH_ACK 6, UPDATE 7, MFSTART 8, MODULE 9, PUBLISHSHARD 10
 *      14    2  count         PING/PONG/MEET: number of gossip sections
 *      16    8  currentEpoch  the sender's current epoch
 *      24    8  configEpoch   the sender's config epoch (a replica: its master's)
 *      32    8  offset        replication offset
 *      40   40  sender        node name of the sender (40 hex characters)
 *      80 2048  myslots       slot bitmap of the sender (its master's for a replica); slot s is bit (s &amp; 7) of byte s / 8
 *    2128   40  slaveof       name of the sender's master, all NUL for a master
 *    2168   46  myip          the sender's announced IP, NUL-terminated, all NUL when not announced
 *    2214    2  extensions    number of ping extensions
 *    2216   30  notused1
 *    2246    2  pport         the other client port (TLS/plain)
 *    2248    2  cport         the sender's cluster bus port
 *    2250    2  flags         the sender's node flags (MASTER 1, SLAVE 2, PFAIL 4, FAIL 8, MYSELF 16, ...)
 *    2252    1  state         cluster state as the sender sees it: 0 ok, 1 fail
 *    2253    3  mflags        mflags[0]: PAUSED 1, FORCEACK 2, EXT_DATA 4
 *    2256       body
 *
 *  PING, PONG, MEET: count gossip sections of 104 bytes, then (when mflags[0] has EXT_DATA) extensions
 *       0   40  nodename      +40 4 ping_sent (s)  +44 4 pong_received (s)  +48 46 ip
 *      94    2  port          +96 2 cport  +98 2 flags  +100 2 pport  +102 2 unused
 *    extension: +0 4 length (header included, multiple of 8)  +4 2 type  +6 2 unused  +8 payload (NUL padded)
 *       type 0 hostname, 1 human nodename (NUL-terminated strings), 2 forgotten node (40 name + 8 ttl seconds),
 *       3 shard id (40)
 *  FAIL:      40 nodename
 *  PUBLISH, PUBLISHSHARD: 4 channel_len, 4 message_len, channel bytes, message bytes
 *  UPDATE:    8 configEpoch, 40 nodename, 2048 slot bitmap
 *  MODULE:    8 module id, 4 len, 1 type, len bytes
 *  FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART: header only
 * </pre>
 * Worked example: a MEET from Redis 7.0.15 announcing hostname "host-a" is 2272 bytes: the header, no gossip,
 * extensions = 1, mflags[0] = 4, and one 16-byte extension {@code 00000010 0000 0000 "host-a" 00 00} (see
 * {@code BusCodecTest}).
 * <p><b>Note:</b> This class is not threadsafe (constants only).
 */
public final class BusDescriptor {
    private BusDescriptor() {
    }

    public static final byte[] SIGNATURE = {'R', 'C', 'm', 'b'};
    public static final int VERSION = 1;
    public static final int NAME_LENGTH = 40;
    public static final int SLOTS = 16384;
    public static final int SLOT_BYTES = SLOTS / 8;
    public static final int IP_LENGTH = 46;

    public static final int SIG_OFFSET = 0;
    public static final int TOTLEN_OFFSET = 4;
    public static final int VER_OFFSET = 8;
    public static final int PORT_OFFSET = 10;
    public static final int TYPE_OFFSET = 12;
    public static final int COUNT_OFFSET = 14;
    public static final int CURRENT_EPOCH_OFFSET = 16;
    public static final int CONFIG_EPOCH_OFFSET = 24;
    public static final int OFFSET_OFFSET = 32;
    public static final int SENDER_OFFSET = 40;
    public static final int MYSLOTS_OFFSET = 80;
    public static final int SLAVEOF_OFFSET = 2128;
    public static final int MYIP_OFFSET = 2168;
    public static final int EXTENSIONS_OFFSET = 2214;
    public static final int NOTUSED_OFFSET = 2216;
    public static final int PPORT_OFFSET = 2246;
    public static final int CPORT_OFFSET = 2248;
    public static final int FLAGS_OFFSET = 2250;
    public static final int STATE_OFFSET = 2252;
    public static final int MFLAGS_OFFSET = 2253;
    /** Redis's CLUSTERMSG_MIN_LEN: the header; also where the body starts. */
    public static final int HEADER_LENGTH = 2256;

    public static final int GOSSIP_LENGTH = 104;
    public static final int GOSSIP_NAME = 0;
    public static final int GOSSIP_PING_SENT = 40;
    public static final int GOSSIP_PONG_RECEIVED = 44;
    public static final int GOSSIP_IP = 48;
    public static final int GOSSIP_PORT = 94;
    public static final int GOSSIP_CPORT = 96;
    public static final int GOSSIP_FLAGS = 98;
    public static final int GOSSIP_PPORT = 100;

    public static final int EXT_HEADER_LENGTH = 8;
    public static final int EXT_HOSTNAME = 0;
    public static final int EXT_HUMAN_NODENAME = 1;
    public static final int EXT_FORGOTTEN_NODE = 2;
    public static final int EXT_SHARDID = 3;
    public static final int FORGOTTEN_LENGTH = NAME_LENGTH + 8;

    public static final int FAIL_LENGTH = NAME_LENGTH;
    public static final int PUBLISH_HEADER_LENGTH = 8;
    public static final int UPDATE_LENGTH = 8 + NAME_LENGTH + SLOT_BYTES;
    public static final int MODULE_HEADER_LENGTH = 13;

    public static final int PING = 0;
    public static final int PONG = 1;
    public static final int MEET = 2;
    public static final int FAIL = 3;
    public static final int PUBLISH = 4;
    public static final int FAILOVER_AUTH_REQUEST = 5;
    public static final int FAILOVER_AUTH_ACK = 6;
    public static final int UPDATE = 7;
    public static final int MFSTART = 8;
    public static final int MODULE = 9;
    public static final int PUBLISHSHARD = 10;
    /** Number of message types (Redis's CLUSTERMSG_TYPE_COUNT). */
    public static final int TYPE_COUNT = 11;

    public static final int MFLAG_PAUSED = 1;
    public static final int MFLAG_FORCEACK = 2;
    public static final int MFLAG_EXT_DATA = 4;

    public static final int NODE_MASTER = 1;
    public static final int NODE_SLAVE = 2;
    public static final int NODE_PFAIL = 4;
    public static final int NODE_FAIL = 8;
    public static final int NODE_MYSELF = 16;
    public static final int NODE_HANDSHAKE = 32;
    public static final int NODE_NOADDR = 64;
    public static final int NODE_MEET = 128;
    public static final int NODE_MIGRATE_TO = 256;
    public static final int NODE_NOFAILOVER = 512;

    /** The names INFO/CLUSTER INFO use for message types (cluster_stats_messages_NAME_sent). */
    private static final String[] TYPE_NAMES = {"ping", "pong", "meet", "fail", "publish", "auth-req", "auth-ack",
        "update", "mfstart", "module", "publishshard"};

    /** The stats name of a type, or "unknown". */
    public static String typeName(int type) {
        return type >= 0 && type < TYPE_COUNT ? TYPE_NAMES[type] : "unknown";
    }

    /** Redis's EIGHT_BYTE_ALIGN. */
    public static int align8(int n) {
        return (n + 7) & ~7;
    }
}
