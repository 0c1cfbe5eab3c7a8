# What `make deb` installs and how CPack packs it: vigie_<version>_amd64.deb
# with both programs (vigie-cli-imaging and vigie-cli-full, which vigie-cli
# hands commands to, in /usr/libexec/vigie), the reference model bundles, the desktop
# entry, AppStream metadata, icon, manual pages, copyright and changelog.
# The installed programs find their models and helper from their own
# location (app/workflows/InstallLayout.h), so the package is relocatable.

set(VIGIE_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(VIGIE_APP_ID org.vigie.Vigie)

install(TARGETS vigie vigie-cli RUNTIME DESTINATION bin)
install(TARGETS vigie-cli-imaging vigie-cli-full RUNTIME DESTINATION libexec/vigie)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/models/ DESTINATION share/vigie/models)
install(FILES ${VIGIE_PACKAGING_DIR}/deb/${VIGIE_APP_ID}.desktop DESTINATION share/applications)
install(FILES ${VIGIE_PACKAGING_DIR}/deb/${VIGIE_APP_ID}.metainfo.xml DESTINATION share/metainfo)
install(FILES ${VIGIE_PACKAGING_DIR}/deb/${VIGIE_APP_ID}.svg
  DESTINATION share/icons/hicolor/scalable/apps)
install(FILES ${VIGIE_PACKAGING_DIR}/deb/copyright DESTINATION share/doc/vigie)

# Debian wants manual pages and the changelog compressed with gzip -9n (no
# name, no timestamp: the same bytes on every build).
set(VIGIE_COMPRESSED_DOCS)
foreach(source man/vigie.1 man/vigie-cli.1 deb/changelog)
  get_filename_component(name ${source} NAME)
  set(compressed ${CMAKE_BINARY_DIR}/packaging/${name}.gz)
  add_custom_command(OUTPUT ${compressed}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging
    COMMAND sh -c "gzip -9n -c '${VIGIE_PACKAGING_DIR}/${source}' > '${compressed}'"
    DEPENDS ${VIGIE_PACKAGING_DIR}/${source}
    VERBATIM)
  list(APPEND VIGIE_COMPRESSED_DOCS ${compressed})
endforeach()
add_custom_target(compressed_docs ALL DEPENDS ${VIGIE_COMPRESSED_DOCS})
install(FILES ${CMAKE_BINARY_DIR}/packaging/vigie.1.gz ${CMAKE_BINARY_DIR}/packaging/vigie-cli.1.gz
  DESTINATION share/man/man1)
install(FILES ${CMAKE_BINARY_DIR}/packaging/changelog.gz DESTINATION share/doc/vigie)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vigie)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The Vigie developers")
set(CPACK_PACKAGE_CONTACT "Vigie maintainers <maintainers@users.noreply.r-seed-d9e7bd32.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "reading workstation for chest CT and fundus photographs with AI")
set(CPACK_PACKAGE_DESCRIPTION
  "Vigie opens chest CT studies and colour fundus photographs from folders,
DICOMDIRs or a PACS (DIMSE or DICOMweb), shows them in axial, coronal,
sagittal and 3D views, and runs a model on them: a lung nodule detector for
CT, a diabetic-retinopathy grader for photographs, or a compatible model
bundle the user brings (MONAI bundles included). Readers confirm, reject,
edit or annotate each finding; every decision is kept in a local review store
with an audit log and leaves as DICOM Structured Report and Segmentation.
The package holds the vigie window, the vigie-cli tools and the reference
models, which are trained on synthetic phantoms and public photographs and
are not for clinical use.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Qt's own French (standard buttons, file dialogs); Vigie's is built in.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS qt6-translations-l10n)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
