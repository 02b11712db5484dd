/**
 * Redis's hash table ({@code dict.c}) for the JVM: incremental rehashing, SipHash-1-2, reverse-binary SCAN,
 * random sampling. See {@link io.cinnabar.dict.Dict}.
 */
module io.cinnabar.dict {
    exports io.cinnabar.dict;
}
