package io.cinnabar.server;

/** {@link SetContract} on an intset set (the built-in thresholds). */
class SetIntsetContractTest extends SetContract {
    @Override
    String encoding() {
        return "intset";
    }

    @Override
    String[] thresholds() {
        return new String[] {"set-max-intset-entries", "512"};
    }

    @Override
    String[] oursOnlyThresholds() {
        return new String[] {};
    }
}
