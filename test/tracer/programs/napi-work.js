// Runs two async works of a native addon (argv[2], built from napi-addon/addon.c) whose
// resources have no type name, as napi-rs's have.
const { work } = require(process.argv[2]);

Promise.all([work(), work()]).then(() => console.log('worked'));
