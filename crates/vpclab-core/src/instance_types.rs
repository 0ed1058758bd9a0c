//! Per-instance-type network limits: how many interfaces an instance may have and how
//! many private IPv4 addresses each interface may hold.
//!
//! Figures from AWSEC2/latest/UserGuide/AvailableIpPerENI.html for common types. Unknown
//! types are not an error (AWS has hundreds); they just go unchecked, with a warning.

/// Network limits of one instance type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum network interfaces (device indexes 0..max).
    pub interfaces: u32,
    /// Maximum private IPv4 addresses per interface, primary included.
    pub ipv4_per_interface: u32,
}

const TABLE: &[(&str, u32, u32)] = &[
    ("t2.nano", 2, 2),
    ("t2.micro", 2, 2),
    ("t2.small", 3, 4),
    ("t2.medium", 3, 6),
    ("t2.large", 3, 12),
    ("t3.nano", 2, 2),
    ("t3.micro", 2, 2),
    ("t3.small", 3, 4),
    ("t3.medium", 3, 6),
    ("t3.large", 3, 12),
    ("t3.xlarge", 4, 15),
    ("t3a.micro", 2, 2),
    ("t3a.small", 2, 4),
    ("t4g.micro", 2, 2),
    ("t4g.small", 3, 4),
    ("m5.large", 3, 10),
    ("m5.xlarge", 4, 15),
    ("m5.2xlarge", 4, 15),
    ("m6i.large", 3, 10),
    ("m6i.xlarge", 4, 15),
    ("c5.large", 3, 10),
    ("c5.xlarge", 4, 15),
    ("c5.2xlarge", 4, 15),
    ("c6i.large", 3, 10),
    ("r5.large", 3, 10),
    ("r5.xlarge", 4, 15),
];

/// The limits of `instance_type`, if this table knows it.
///
/// # Examples
/// ```
/// let l = vpclab_core::instance_types::limits("c5.large").unwrap();
/// assert_eq!((l.interfaces, l.ipv4_per_interface), (3, 10));
/// ```
pub fn limits(instance_type: &str) -> Option<Limits> {
    TABLE
        .iter()
        .find(|(name, _, _)| *name == instance_type)
        .map(|&(_, interfaces, ipv4_per_interface)| Limits { interfaces, ipv4_per_interface })
}

/// Every type the table knows, for pickers.
pub fn known() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|(name, _, _)| *name)
}
