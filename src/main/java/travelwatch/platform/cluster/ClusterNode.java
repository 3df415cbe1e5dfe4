package travelwatch.platform.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Consumer;
import travelwatch.config.ClusterConfig;
import travelwatch.config.ConfigException;

/**
 * Starts Vert.x for this process: on its own, or clustered with Hazelcast (TCP-IP join with the
 * configured member list, no multicast or auto-detection, a short heartbeat so a dead member is
 * noticed within seconds, none of its own metrics). Hazelcast only carries the event bus and the
 * member list: nothing that must be safe depends on it (shards are owned through PostgreSQL
 * advisory locks).
 */
public final class ClusterNode {
  /** Vert.x and who else is in its cluster. */
  public record Started(Vertx vertx, Membership membership) {}

  /** Hazelcast partitions in the cluster (see {@link #hazelcast}). */
  static final int PARTITIONS = 23;

  private ClusterNode() {}

  /** Blocking: for {@code main} and tests. */
  public static Started start(
      ClusterConfig config, VertxOptions options, VertxMetricsFactory metrics) {
    if (!config.enabled()) {
      return new Started(
          Vertx.builder().with(options).withMetrics(metrics).build(), Membership.single());
    }
    String address = resolve(config.host());
    options.setEventBusOptions(
        new EventBusOptions()
            .setHost(address)
            .setPort(config.busPort())
            .setClusterPublicHost(address));
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(config, address));
    Vertx vertx =
        Vertx.builder()
            .with(options)
            .withMetrics(metrics)
            .withClusterManager(manager)
            .buildClustered()
            .await();
    return new Started(vertx, new HazelcastMembership(manager));
  }

  /** Vert.x's own map settings, with our network, join and failure detection. */
  static Config hazelcast(ClusterConfig config, String address) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName("travelwatch");
    int timeout = config.heartbeatTimeoutSeconds();
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x leaves on close
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(timeout));
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.join.seconds", "5");
    hz.setProperty("hazelcast.socket.bind.any", "false");
    // A member cut off for a while (a pause, a network flap) comes back through the split-brain
    // merge; look for the other side every few seconds instead of every few minutes.
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    hz.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
    // Hazelcast's own metrics feed its management centre, which nothing here runs; collecting them
    // every few seconds costs each node CPU for no reader (the service's metrics are Prometheus').
    hz.getMetricsConfig().setEnabled(false);
    // The cluster's maps hold only the event bus's subscriptions and the member list: a few
    // partitions hold them easily, where Hazelcast's 271 each cost every member migrations when one
    // joins and backup checks every half minute. Every member must use the same count.
    hz.setProperty("hazelcast.partition.count", String.valueOf(PARTITIONS));
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(config.port()).setPortAutoIncrement(false);
    network.setPublicAddress(address + ":" + config.port());
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(address));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig()
        .setEnabled(true)
        .setConnectionTimeoutSeconds(2)
        .setMembers(config.joinList().stream().map(ClusterConfig.Member::toString).toList());
    return hz;
  }

  private static String resolve(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new ConfigException("TW_CLUSTER_HOST", "cannot be resolved: '" + host + "'");
    }
  }

  /** The member list as Hazelcast sees it; a member's id is its Hazelcast member UUID. */
  private static final class HazelcastMembership implements Membership {
    private final HazelcastClusterManager manager;

    HazelcastMembership(HazelcastClusterManager manager) {
      this.manager = manager;
    }

    @Override
    public boolean clustered() {
      return true;
    }

    @Override
    public String nodeId() {
      return manager.getHazelcastInstance().getCluster().getLocalMember().getUuid().toString();
    }

    @Override
    public List<String> members() {
      return manager.getHazelcastInstance().getCluster().getMembers().stream()
          .map(m -> m.getUuid().toString())
          .toList();
    }

    @Override
    public void listen(Runnable changed, Consumer<String> removed) {
      manager
          .getHazelcastInstance()
          .getCluster()
          .addMembershipListener(
              new MembershipListener() {
                @Override
                public void memberAdded(MembershipEvent event) {
                  changed.run();
                }

                @Override
                public void memberRemoved(MembershipEvent event) {
                  Member gone = event.getMember();
                  removed.accept(gone.getUuid().toString());
                  changed.run();
                }
              });
    }
  }
}
