package travelwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import travelwatch.config.ClusterConfig.Member;

@DisplayName("Cluster settings: member list, this node's address, heartbeat; one clear line if bad")
class ClusterConfigTest {

  private static ClusterConfig load(Map<String, String> env) {
    return TravelWatchConfig.from(new Settings(null, env), null).cluster();
  }

  @Test
  @DisplayName("By default a node is not clustered and would listen on 127.0.0.1:5701 alone")
  void defaults() {
    ClusterConfig c = load(Map.of());
    assertThat(c.enabled()).isFalse();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(5701);
    assertThat(c.busPort()).isZero();
    assertThat(c.heartbeatTimeoutSeconds()).isEqualTo(10);
    assertThat(c.joinList()).containsExactly(new Member("127.0.0.1", 5701));
  }

  @Test
  @DisplayName("serve --cluster switches cluster mode on, keeping every other setting")
  void clustered() {
    TravelWatchConfig config =
        TravelWatchConfig.from(
            new Settings(null, Map.of("TW_CLUSTER_MEMBERS", "a:5701", "TW_HTTP_PORT", "9000")),
            null);
    assertThat(config.clustered().cluster().enabled()).isTrue();
    assertThat(config.clustered().cluster().members()).containsExactly(new Member("a", 5701));
    assertThat(config.clustered().http().port()).isEqualTo(9000);
  }

  @Test
  @DisplayName(
      "TW_CLUSTER_MEMBERS, TW_CLUSTER_HOST and TW_CLUSTER_PORT are read as docker-compose sets them")
  void membersParsed() {
    ClusterConfig c =
        load(
            Map.of(
                "TW_CLUSTER_MEMBERS", " node1:5701, node2:5701 ,10.0.0.3:5702",
                "TW_CLUSTER_HOST", "node1",
                "TW_CLUSTER_PORT", "5701",
                "TW_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS", "5"));
    assertThat(c.members())
        .containsExactly(
            new Member("node1", 5701), new Member("node2", 5701), new Member("10.0.0.3", 5702));
    assertThat(c.host()).isEqualTo("node1");
    assertThat(c.heartbeatTimeoutSeconds()).isEqualTo(5);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "TW_CLUSTER_MEMBERS|node1|TW_CLUSTER_MEMBERS: must be host:port,host:port,… (e.g. 10.0.0.1:5701,10.0.0.2:5701), got 'node1'",
        "TW_CLUSTER_MEMBERS|node1:5701,,node2:5701|TW_CLUSTER_MEMBERS: must be host:port,host:port,… (e.g. 10.0.0.1:5701,10.0.0.2:5701), got ''",
        "TW_CLUSTER_MEMBERS|node1:http|TW_CLUSTER_MEMBERS: must be host:port,host:port,… (e.g. 10.0.0.1:5701,10.0.0.2:5701), got port 'http' in 'node1:http'",
        "TW_CLUSTER_MEMBERS|node1:70000|TW_CLUSTER_MEMBERS: must be host:port,host:port,… (e.g. 10.0.0.1:5701,10.0.0.2:5701), got 'node1:70000'",
        "TW_CLUSTER_MEMBERS|:5701|TW_CLUSTER_MEMBERS: must be host:port,host:port,… (e.g. 10.0.0.1:5701,10.0.0.2:5701), got ':5701'",
        "TW_CLUSTER_MEMBERS|a:5701,a:5701|TW_CLUSTER_MEMBERS: names a:5701 twice",
        "TW_CLUSTER_PORT|0|TW_CLUSTER_PORT: must be a whole number from 1 to 65535, got 0",
        "TW_CLUSTER_HOST|two hosts|TW_CLUSTER_HOST: must be a host name or IP address, got 'two hosts'",
        "TW_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS|1|TW_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS: must be a whole number from 2 to 300, got 1",
      })
  @DisplayName("A bad cluster setting stops start-up with one line naming it and the reason")
  void invalidSettingNamed(String name, String value, String message) {
    assertThatThrownBy(() -> load(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
