use serde::{Deserialize, Serialize};

/// A person's second factor, as « Mot de passe et sécurité » shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorState {
    pub enrolled: bool,
    /// Directors and administrateurs cannot turn it off.
    pub required: bool,
    pub recovery_codes_left: u64,
    /// The recovery codes of an enrolment just confirmed by a form posted without JavaScript,
    /// until the person says they noted them.
    pub fresh_recovery_codes: Vec<String>,
}

/// An enrolment under way: the secret to scan (QR code, SVG made on the server) or to type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// Base32, by groups of four: `JBSW Y3DP …`.
    pub secret: String,
    pub qr_svg: String,
}
