//! A share link from anyone's chat message: decode it, and grade any challenge it carries.
//! Nothing may panic; a hostile link may not inflate past the decoder's limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vpclab_core::{challenge, model, share};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(link) = share::decode(text) else { return };
    let _ = model::build(&link.topology);
    if let Some(ch) = &link.challenge {
        let _ = challenge::grade(ch, &link.topology);
    }
    let _ = share::encode(&link);
});
