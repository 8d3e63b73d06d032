package dateline.opensearch;

import java.nio.file.Path;
import java.util.List;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node on 127.0.0.1, started in-process: {@code Node NAME HTTP_PORT
 * TRANSPORT_PORT DATA_DIR [SEED_PORT...]}. With no seed ports it is a single-node
 * cluster; with them it joins (or forms, as a master-eligible node) the cluster of
 * the nodes on those transport ports. It prints "started" once it answers, and stops
 * when its standard input closes, so that it never outlives the test that started it.
 */
public final class Node {
    private Node() {}

    /**
     * A node with the HTTP transport and the analysis-common plugin from the
     * classpath, as a distribution loads them from its modules folder. (The test
     * framework's MockNode does the same, but with the framework on the classpath the
     * server asks for the random context of a randomized test runner.)
     */
    static final class PluginNode extends org.opensearch.node.Node {
        PluginNode(Settings settings) {
            super(
                InternalSettingsPreparer.prepareEnvironment(settings, java.util.Map.of(), null, () -> "node"),
                List.of(Netty4Plugin.class, CommonAnalysisPlugin.class),
                true);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: Node NAME HTTP_PORT TRANSPORT_PORT DATA_DIR [SEED_PORT...]");
            System.exit(2);
        }
        String name = args[0];
        Path data = Path.of(args[3]);
        Settings.Builder settings = Settings.builder()
            .put("cluster.name", "dateline-test")
            .put("node.name", name)
            .put("path.home", data.resolve("home").toString())
            .put("path.data", data.resolve("data").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            .put("transport.port", args[2])
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .put("cluster.routing.allocation.disk.threshold_enabled", false);
        if (args.length == 4) {
            settings.put("discovery.type", "single-node");
        } else {
            List<String> seeds = new java.util.ArrayList<>();
            List<String> masters = new java.util.ArrayList<>();
            for (int i = 4; i < args.length; i++) {
                seeds.add("127.0.0.1:" + args[i]);
                masters.add("node-" + args[i]);
            }
            settings.putList("discovery.seed_hosts", seeds);
            settings.putList("cluster.initial_cluster_manager_nodes", masters);
        }
        PluginNode node = new PluginNode(settings.build());
        node.start();
        System.out.println("started");
        System.out.flush();
        // Runs until whoever started it closes its standard input (or dies).
        while (System.in.read() != -1) {
            // Nothing to read: waiting for the end.
        }
        node.close();
        System.exit(0);
    }
}
