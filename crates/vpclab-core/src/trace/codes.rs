//! What each explanation code means, in one line, for people who meet the code in a trace
//! (the page shows it beside the code). The names are AWS Reachability Analyzer's
//! (vpc/latest/reachability/explanation-codes.html) except the few marked "vpclab", which
//! cover what Reachability Analyzer does not analyse.

/// The meaning of explanation `code`, if vpclab emits it (every emitted code has one:
/// the golden scenarios check).
pub fn meaning(code: &str) -> Option<&'static str> {
    CODES.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

const CODES: &[(&str, &str)] = &[
    ("BAD_STATE", "the component is not in a usable state"),
    ("BAD_STATE_ATTACHMENT", "the attachment is not in a usable state"),
    ("BAD_STATE_ROUTE", "the matching route is not active: its target is gone (a blackhole route)"),
    ("CANNOT_ROUTE", "the component has no way to send the packet on from here"),
    ("EIGW_NO_UNSOLICITED_INBOUND", "an egress-only internet gateway admits only replies to connections started from the VPC"),
    ("ELBV2_LISTENERS_MISMATCH", "no listener of the load balancer accepts this protocol and port"),
    ("ELBV2_TARGET_GROUP_NO_HEALTHY_TARGETS", "the target group has no healthy target for the connection"),
    ("ELB_NOT_CROSSZONE", "the load balancer node has no target in its zone and cross-zone load balancing is off"),
    ("ENI_SG_RULES_MISMATCH", "no rule of the network interface's security groups allows this traffic"),
    ("ENI_SOURCE_DEST_CHECK_RESTRICTION", "source/destination check drops traffic not addressed to or from the interface itself"),
    ("IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS", "an internet gateway does not send traffic to private (RFC 1918) addresses"),
    ("IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS", "an internet gateway does not send traffic to shared (RFC 6598) addresses"),
    ("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", "traffic from the internet must be addressed to a public IP or Elastic IP"),
    ("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", "to reach the internet the source's private address needs a public IP or Elastic IP"),
    ("IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS", "an internet gateway does not admit traffic from private (RFC 1918) addresses"),
    ("IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS", "an internet gateway does not admit traffic from shared (RFC 6598) addresses"),
    ("INSTANCE_NOT_RUNNING", "vpclab: the instance is stopped; its interfaces neither send nor receive"),
    ("NGW_IPV6_DESTINATION_NOT_NAT64", "vpclab: a NAT gateway translates IPv6 only to the NAT64 prefix 64:ff9b::/96"),
    ("NGW_NO_UNSOLICITED_INBOUND", "a NAT gateway admits only replies to connections started through it"),
    ("NGW_REQUIRES_SOURCE_IN_VPC", "a NAT gateway translates only traffic from its own VPC (or arriving through a transit gateway)"),
    ("NO_ROUTE_TO_DESTINATION", "the route table has no route for the destination"),
    ("NO_SUCH_HOST", "vpclab: no network interface holds the destination address"),
    ("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "a peering connection carries only traffic between the two VPCs' own address ranges"),
    ("PROTOCOL_RESTRICTION", "the component does not carry this protocol"),
    ("REMAP_EPHEMERAL_PORT", "a NAT gateway picks the reply's port within 1024-65535: network ACLs must allow them all"),
    ("ROUTING_LOOP", "the packet comes back to a place it has already passed"),
    ("SG_REFERENCES_NOT_PRESERVED", "a rule naming a security group does not match traffic that passed a middlebox"),
    ("SG_REFERENCING_SUPPORT", "security group references across a transit gateway need its referencing support turned on"),
    ("SUBNET_ACL_RESTRICTION", "the subnet's network ACL denies this traffic (ACLs are stateless: replies need rules of their own)"),
    ("TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", "the transit gateway attachment is associated with no route table"),
    ("TGW_ROUTE_AZ_RESTRICTION", "a transit gateway reaches a VPC only through an attachment subnet in the traffic's Availability Zone"),
    ("TGW_RTB_BAD_STATE_ROUTE", "the transit gateway route for the destination is a blackhole"),
    ("TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT", "the transit gateway route table has no route for the destination"),
    ("VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS", "a virtual private gateway carries only traffic between the VPC and the VPN's networks"),
    ("VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", "a virtual private gateway carries only traffic between the VPN's networks and the VPC"),
    ("VPCE_GATEWAY_PROTOCOL_RESTRICTION", "a gateway endpoint carries only TCP and ICMP echo"),
    ("VPCE_GATEWAY_SOURCE_NOT_IN_VPC", "a gateway endpoint serves only traffic from its own VPC"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_explained() {
        for (i, (c, m)) in CODES.iter().enumerate() {
            assert!(CODES[i + 1..].iter().all(|(o, _)| o != c), "{c} twice");
            assert!(!m.is_empty() && !m.ends_with('.'), "{c}");
        }
        assert_eq!(
            meaning("NO_ROUTE_TO_DESTINATION"),
            Some("the route table has no route for the destination")
        );
        assert_eq!(meaning("NOT_A_CODE"), None);
    }
}
