package travelwatch.platform.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;
import travelwatch.config.ClusterConfig;

class ClusterNodeTest {
  private static final ClusterConfig CONFIG =
      new ClusterConfig(
          true,
          "127.0.0.1",
          5801,
          0,
          List.of(
              new ClusterConfig.Member("127.0.0.1", 5801),
              new ClusterConfig.Member("127.0.0.1", 5802)),
          7);

  @Test
  void membersJoinOnlyTheListedAddressesAndNoticeSilenceWithinTheTimeout() {
    Config hz = ClusterNode.hazelcast(CONFIG, "127.0.0.1");

    assertFalse(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
    assertTrue(hz.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
    assertEquals(
        List.of("127.0.0.1:5801", "127.0.0.1:5802"),
        hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertEquals("7", hz.getProperty("hazelcast.max.no.heartbeat.seconds"));
  }

  @Test
  void hazelcastCollectsNoMetricsOfItsOwnThatNothingReads() {
    Config hz = ClusterNode.hazelcast(CONFIG, "127.0.0.1");

    assertFalse(hz.getMetricsConfig().isEnabled());
  }

  @Test
  void theClusterKeepsFewPartitionsForTheLittleItHolds() {
    Config hz = ClusterNode.hazelcast(CONFIG, "127.0.0.1");

    assertEquals("23", hz.getProperty("hazelcast.partition.count"));
  }
}
